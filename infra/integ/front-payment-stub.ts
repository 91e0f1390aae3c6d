import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/**
 * Stands in for Front Payment's `POST /api/v1/connect/reservations/create` and
 * `GET /api/v1/connect/reservations/details/{uuid}` in the integration test (behind a Lambda
 * function URL): it checks the bearer token the functions read from their secret, answers create
 * with a fixed session, so the test knows the `reservationUuid` its signed callback must name, and
 * details with that reservation reserved, which is what the callback then records.
 */
const expectedToken = process.env.EXPECTED_TOKEN;
const reservationUuid = process.env.RESERVATION_UUID ?? '';

export async function handler(
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  const method = event.requestContext.http.method;
  const isCreate = method === 'POST' && event.rawPath.endsWith('/reservations/create');
  const isDetails =
    method === 'GET' && event.rawPath.endsWith(`/reservations/details/${reservationUuid}`);
  if (!isCreate && !isDetails) {
    return envelope(404, { is_error: true, message: 'notFound', errors: [] });
  }
  if (!expectedToken || event.headers.authorization !== `Bearer ${expectedToken}`) {
    return envelope(401, { is_error: true, message: 'unauthenticated', errors: [] });
  }
  if (isDetails) {
    const reservedAt = Math.floor(Date.now() / 1000);
    return envelope(200, {
      is_data: true,
      message: 'reservationRetrievedSuccessfully',
      data: {
        reservationUuid,
        status: 'RESERVED',
        isPaid: true,
        grandTotal: 1120,
        paymentDetails: {
          reservedAt,
          reservedAmount: 1120,
          capturedAmount: 0,
          chargedAmount: 0,
          amountRefunded: { fromCaptured: 0, fromCharge: 0 },
        },
        paymentHistory: { reserved: [{ at: reservedAt, amount: 1120 }], captured: [], charged: [] },
      },
    });
  }
  return envelope(200, {
    is_data: true,
    message: 'reservationSessionCreated',
    data: {
      customerUuid: 'CSRT0000INTEG',
      reservationUuid,
      paymentUrl: `https://demo.frontpayment.no/pay/${reservationUuid}`,
    },
  });
}

function envelope(statusCode: number, body: object): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ status_code: statusCode, ...body }),
  };
}
