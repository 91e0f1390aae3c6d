import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { computeChecksum, parseRawQuery } from '#shared/front-payment/callback-checksum';
import { createTables } from '../../infra/local/create-tables.ts';
import { startLocalEventBridge } from '../../infra/local/event-bridge-stand-in.ts';
import {
  type RunningFrontPaymentSandbox,
  startFrontPaymentSandbox,
} from '../../infra/local/front-payment-sandbox/index.ts';
import { localAwsClientConfig } from '../../infra/local/local-aws.ts';
import { httpApiEvent, lambdaContext } from './api-gateway-events.ts';
import { awsCallName, frontPaymentCallName, startCountingProxy } from './counting-proxy.ts';
import { validReservationRequest } from './reservation-requests.ts';

const TOKEN = 'warm-paths-token';
const SECRET = 'warm-paths-secret';
const CALLER_ARN = 'arn:aws:iam::123456789012:role/warm-paths';
const EVENT_BUS = 'warm-paths-bus';

type Handler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

export interface Created {
  readonly reservationId: string;
  readonly reservationUuid: string;
}

/**
 * The three HTTP functions, warm and in process, against DynamoDB Local, the local EventBridge
 * and the Front Payment sandbox, each reached through a counting proxy: every call a request
 * makes lands in `calls` (`DynamoDB GetItem`, `Front Payment details`, `EventBridge PutEvents`)
 * in the order it was made. `raw` holds bare SDK clients and a fetch through the same proxies,
 * for floors that make the same calls without our code. Used by the call-count test and by the
 * warm part of `npm run bench`. The handlers read their configuration at import: one per process.
 */
export async function startWarmPaths(options: { readonly dynamoDbEndpoint: string }) {
  const calls: string[] = [];
  const eventBridge = await startLocalEventBridge({});
  const sandbox = await startFrontPaymentSandbox({ token: TOKEN, callbackSecret: SECRET });
  // The bench and the test deliver the callbacks they measure themselves.
  sandbox.setQuirks({ dropCallbacks: true });
  const proxies = await Promise.all([
    startCountingProxy(options.dynamoDbEndpoint, calls, awsCallName('DynamoDB')),
    startCountingProxy(eventBridge.url, calls, awsCallName('EventBridge')),
    startCountingProxy(sandbox.url, calls, frontPaymentCallName),
  ]);
  const [dynamoDbProxy, eventBridgeProxy, frontPaymentProxy] = proxies;
  const dynamoDb = new DynamoDBClient({ ...localAwsClientConfig, endpoint: dynamoDbProxy.url });
  const tableName = `warm-paths-${randomUUID().slice(0, 8)}`;
  await createTables(dynamoDb, { reservations: tableName });
  Object.assign(process.env, {
    AWS_REGION: 'eu-north-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: dynamoDbProxy.url,
    AWS_ENDPOINT_URL_EVENTBRIDGE: eventBridgeProxy.url,
    RESERVATIONS_TABLE_NAME: tableName,
    FRONT_PAYMENT_BASE_URL: frontPaymentProxy.url,
    FRONT_PAYMENT_TOKEN: TOKEN,
    FRONT_PAYMENT_CALLBACK_SECRET: SECRET,
    CALLBACK_BASE_URL: 'http://127.0.0.1:9',
    EVENT_BUS_NAME: EVENT_BUS,
    LOG_LEVEL: 'SILENT',
  });
  const handlers = {
    createSession: (await import('../../functions/create-session/handler.ts')).handler as Handler,
    callback: (await import('../../functions/callback/handler.ts')).handler as Handler,
    commands: (await import('../../functions/reservation-commands/handler.ts')).handler as Handler,
  };
  const reservationBody = JSON.stringify(validReservationRequest());
  // Documented callbacks carry the order's time and total; each one is sent at its own second.
  const orderCreatedAt = Math.floor(Date.now() / 1000) - 3_600;
  let sentAt = Math.floor(Date.now() / 1000) - 80_000;

  const paths = {
    calls,
    sandbox: sandbox as RunningFrontPaymentSandbox,
    /** The calls `work` makes, in order. */
    async callsOf(work: () => Promise<unknown>): Promise<string[]> {
      const before = calls.length;
      await work();
      return calls.slice(before);
    },
    async create(idempotencyKey: string): Promise<Created> {
      const answer = await expectStatus(
        201,
        handlers.createSession(
          httpApiEvent({
            method: 'POST',
            path: '/reservations',
            headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
            body: reservationBody,
            callerArn: CALLER_ARN,
          }),
          lambdaContext(),
        ),
      );
      return JSON.parse(answer.body ?? '{}') as Created;
    },
    /** A reservation the customer paid at the sandbox (1370: lines of 1120 and 250). */
    async paidReservation(): Promise<Created> {
      const created = await paths.create(randomUUID());
      await sandbox.pay(created.reservationUuid, 'visa');
      return created;
    },
    read: (reservationId: string, refresh = false) =>
      expectStatus(
        200,
        handlers.commands(
          httpApiEvent({
            method: 'GET',
            path: `/reservations/${reservationId}`,
            ...(refresh ? { rawQueryString: 'refresh=true' } : {}),
            pathParameters: { reservationId },
            callerArn: CALLER_ARN,
          }),
          lambdaContext(),
        ),
      ),
    command: (
      reservationId: string,
      command: string,
      body: unknown,
      idempotencyKey: string = randomUUID(),
    ) =>
      expectStatus(
        202,
        handlers.commands(
          httpApiEvent({
            method: 'POST',
            path: `/reservations/${reservationId}/${command}`,
            headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
            body: JSON.stringify(body),
            pathParameters: { reservationId },
            callerArn: CALLER_ARN,
          }),
          lambdaContext(28_000),
        ),
      ),
    /** A documented callback of `status`, signed, sent one second after the previous one. */
    signedCallback(reservationUuid: string, status: string): string {
      const query = `orderUuid=${reservationUuid}&status=${status}&createdAt=${orderCreatedAt}&paymentMethod=Visa&amount=1370&timestamp=${sentAt++}`;
      return `${query}&checksum=${computeChecksum(parseRawQuery(query), SECRET)}`;
    },
    /** Delivers a callback on the path with our id, or on the old path without it. */
    deliver: (rawQueryString: string, reservationId?: string) =>
      expectStatus(
        200,
        handlers.callback(
          reservationId
            ? httpApiEvent({
                method: 'GET',
                path: `/callbacks/front-payment/${reservationId}`,
                rawQueryString,
                pathParameters: { reservationId },
              })
            : httpApiEvent({ method: 'GET', path: '/callbacks/front-payment', rawQueryString }),
          lambdaContext(15_000),
        ),
      ),
    /** Bare clients through the same proxies: the floor's calls are counted and timed alike. */
    raw: {
      tableName,
      eventBus: EVENT_BUS,
      documents: DynamoDBDocumentClient.from(dynamoDb),
      events: new EventBridgeClient({ ...localAwsClientConfig, endpoint: eventBridgeProxy.url }),
      frontPayment: (operation: string, body?: unknown) =>
        fetch(`${frontPaymentProxy.url}/api/v1/connect/reservations/${operation}`, {
          method: body === undefined ? 'GET' : 'POST',
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        }).then((response) => response.arrayBuffer()),
    },
    async stop(): Promise<void> {
      paths.raw.events.destroy();
      dynamoDb.destroy();
      await sandbox.stop();
      await Promise.all(proxies.map((proxy) => proxy.stop()));
      await eventBridge.stop();
    },
  };
  return paths;
}

export type WarmPaths = Awaited<ReturnType<typeof startWarmPaths>>;

/** A measurement or a count of an error answer would describe the wrong path: stop at it. */
async function expectStatus(
  statusCode: number,
  answer: Promise<APIGatewayProxyStructuredResultV2>,
): Promise<APIGatewayProxyStructuredResultV2> {
  const response = await answer;
  if (response.statusCode !== statusCode) {
    throw new Error(`expected ${statusCode}, got ${response.statusCode}: ${response.body}`);
  }
  return response;
}
