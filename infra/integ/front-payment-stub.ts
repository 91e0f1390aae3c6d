import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/**
 * Stands in for Front Payment's `POST /api/v1/connect/reservations/create` in the integration
 * test (behind a Lambda function URL): it checks the bearer token create-session read from its
 * secret and answers with a fixed session, so the test knows the `reservationUuid` its signed
 * callback must name.
 */
const expectedToken = process.env.EXPECTED_TOKEN;
const reservationUuid = process.env.RESERVATION_UUID ?? '';

export async function handler(
  event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  if (
    event.requestContext.http.method !== 'POST' ||
    !event.rawPath.endsWith('/reservations/create')
  ) {
    return envelope(404, { is_error: true, message: 'notFound', errors: [] });
  }
  if (!expectedToken || event.headers.authorization !== `Bearer ${expectedToken}`) {
    return envelope(401, { is_error: true, message: 'unauthenticated', errors: [] });
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
