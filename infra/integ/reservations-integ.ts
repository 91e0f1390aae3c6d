import { fileURLToPath } from 'node:url';
import { ExpectedResult, type IApiCall, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { type App, Duration, RemovalPolicy, SecretValue, Stack } from 'aws-cdk-lib';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { STATUS_CHANGED_DETAIL_TYPE } from '#shared/events/status-changed-event';
import { CALLBACK_ROUTE, FrontPaymentReservations } from '../front-payment-reservations.ts';
import { HouseFunction } from '../house-function.ts';

/**
 * Test-only values. They exist only in the short-lived integration stack, which the runner
 * destroys after the test; the stub accepts nothing but this token.
 */
export const INTEG_TOKEN = 'integ-test-token-not-a-real-front-payment-token';
export const INTEG_CALLBACK_SECRET = 'integ-test-callback-secret';
/** The reservation uuid the stub answers with; the signed callback names it as `orderUuid`. */
export const INTEG_RESERVATION_UUID = 'RES0000INTEG';
export const INTEG_STATUS = 'RESERVED';
const AMOUNT = '1120';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

export interface ReservationsInteg {
  readonly stack: Stack;
  readonly integ: IntegTest;
  readonly reservations: FrontPaymentReservations;
  readonly queue: sqs.Queue;
  readonly createReservation: IApiCall;
  readonly sendCallback: IApiCall;
  readonly eventInQueue: IApiCall;
}

/**
 * The integration test: deploys the construct with Front Payment replaced by a stub, creates a
 * reservation through create-session, sends a callback signed with the callback secret, and waits
 * until the `Reservation Status Changed` event reaches an SQS queue subscribed with `onStatus`.
 */
export function defineReservationsInteg(app: App): ReservationsInteg {
  const stack = new Stack(app, 'front-payment-reservations-integ');
  const shortLived = {
    memorySize: 256,
    logRetention: logs.RetentionDays.ONE_DAY,
    removalPolicy: RemovalPolicy.DESTROY,
    logDeletionProtection: false,
    timeout: Duration.seconds(15),
  };

  const stub = new HouseFunction(stack, 'front-payment-stub', {
    ...shortLived,
    entry: here('./front-payment-stub.ts'),
    description: 'Integration test: stands in for Front Payment',
    serviceName: 'front-payment-stub',
  })
    .setEnvironment('EXPECTED_TOKEN', INTEG_TOKEN)
    .setEnvironment('RESERVATION_UUID', INTEG_RESERVATION_UUID);
  const stubUrl = stub.function.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });

  const tokenSecret = new secretsmanager.Secret(stack, 'token-secret', {
    secretStringValue: SecretValue.unsafePlainText(INTEG_TOKEN),
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const callbackSecret = new secretsmanager.Secret(stack, 'callback-secret', {
    secretStringValue: SecretValue.unsafePlainText(INTEG_CALLBACK_SECRET),
    removalPolicy: RemovalPolicy.DESTROY,
  });

  const reservations = new FrontPaymentReservations(stack, 'reservations', {
    stage: 'integ',
    // integ-runner deletes the stack after the test: nothing of it is kept.
    throwAway: true,
    // The function URL ends with `/`; the functions' configuration strips trailing slashes.
    frontPaymentBaseUrl: stubUrl.url,
    frontPaymentTokenSecret: tokenSecret as secretsmanager.ISecret,
    callbackSecret: callbackSecret as secretsmanager.ISecret,
    logRetention: logs.RetentionDays.ONE_DAY,
  });

  const queue = new sqs.Queue(stack, 'status-events', {
    enforceSSL: true,
    retentionPeriod: Duration.hours(1),
  });
  reservations.onStatus([INTEG_STATUS], new targets.SqsQueue(queue), { id: 'to-test-queue' });

  const signer = new HouseFunction(stack, 'signed-callback-sender', {
    ...shortLived,
    entry: here('./send-signed-callback.ts'),
    description: 'Integration test: sends a signed Front Payment callback',
    serviceName: 'signed-callback-sender',
  })
    .bindSecret('CALLBACK_SECRET_ARN', callbackSecret)
    .setEnvironment('CALLBACK_URL', `${reservations.httpApi.apiEndpoint}${CALLBACK_ROUTE}`);

  const integ = new IntegTest(app, 'reservations-integ', {
    testCases: [stack],
    cdkCommandOptions: { destroy: { args: { force: true } } },
  });

  // Invoked directly with an API Gateway v2 event: POST /reservations is IAM-protected and the
  // assertion provider does not sign HTTP requests.
  const createReservation = integ.assertions
    .invokeFunction({
      functionName: reservations.createSessionFunction.functionName,
      payload: JSON.stringify(createReservationEvent()),
    })
    .expect(
      ExpectedResult.objectLike({
        Payload: Match.serializedJson(
          Match.objectLike({
            statusCode: 201,
            body: Match.serializedJson(
              Match.objectLike({ reservationUuid: INTEG_RESERVATION_UUID }),
            ),
          }),
        ),
      }),
    );

  const sendCallback = integ.assertions
    .invokeFunction({
      functionName: signer.function.functionName,
      payload: JSON.stringify({
        orderUuid: INTEG_RESERVATION_UUID,
        status: INTEG_STATUS,
        amount: AMOUNT,
      }),
    })
    .expect(ExpectedResult.objectLike({ Payload: Match.serializedJson({ statusCode: 200 }) }));

  const eventInQueue = integ.assertions
    .awsApiCall('SQS', 'receiveMessage', {
      QueueUrl: queue.queueUrl,
      WaitTimeSeconds: 20,
      MaxNumberOfMessages: 10,
    })
    .expect(
      ExpectedResult.objectLike({
        Messages: Match.arrayWith([
          Match.objectLike({
            Body: Match.serializedJson(
              Match.objectLike({
                'detail-type': STATUS_CHANGED_DETAIL_TYPE,
                source: reservations.eventSource,
                detail: Match.objectLike({
                  reservationUuid: INTEG_RESERVATION_UUID,
                  status: INTEG_STATUS,
                }),
              }),
            ),
          }),
        ]),
      }),
    )
    .waitForAssertions({ totalTimeout: Duration.minutes(3), interval: Duration.seconds(10) });

  createReservation.next(sendCallback).next(eventInQueue);

  return { stack, integ, reservations, queue, createReservation, sendCallback, eventInQueue };
}

/** An API Gateway HTTP API (payload 2.0) event for `POST /reservations`. */
function createReservationEvent() {
  const body = JSON.stringify(integReservationRequest());
  return {
    version: '2.0',
    routeKey: 'POST /reservations',
    rawPath: '/reservations',
    rawQueryString: '',
    headers: {
      'content-type': 'application/json',
      'idempotency-key': 'integ-reservation-1',
    },
    requestContext: {
      http: { method: 'POST', path: '/reservations', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1' },
      routeKey: 'POST /reservations',
      stage: '$default',
      requestId: 'integ-request-1',
    },
    body,
    isBase64Encoded: false,
  };
}

/**
 * A valid reservation request with fictional customer data. Dates are fixed (the due date far in
 * the future) so the synthesised snapshot does not change between runs.
 */
function integReservationRequest() {
  return {
    customerDetails: {
      type: 'private',
      countryCode: '+47',
      msisdn: '40000000',
      email: 'integ-test@example.com',
      name: 'Integ Test',
      preferredLanguage: 'en',
      personalNumber: null,
      organizationId: null,
      address: { street: 'Testveien 1', zip: '0150', city: 'Oslo', country: 'NO' },
    },
    orderDate: '1767225600',
    dueDateForPaymentLink: '4070908800',
    referenceNo: 'INTEG-1',
    customerReference: null,
    sendOrderBy: { sms: false, email: false },
    products: [{ name: 'Cabin night', productId: 'CABIN-1', rate: 1000, tax: 12, amount: 1120 }],
    orderSummary: { subTotal: 1000, totalTax: 120, grandTotal: 1120 },
    chargeValidity: '55',
    customerNotes: null,
    tnc: null,
    submitPayment: { via: 'visa' },
    callback: {
      success: 'https://shop.example.com/paid?order=integ-1',
      failure: 'https://shop.example.com/failed?order=integ-1',
    },
    settings: { secureDetails: false, isChargePartiallyRefundable: true },
  };
}
