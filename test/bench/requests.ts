import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { computeChecksum, parseRawQuery } from '#shared/front-payment/callback-checksum';
import { createTables } from '../../infra/local/create-tables.ts';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local.ts';
import { startLocalEventBridge } from '../../infra/local/event-bridge-stand-in.ts';
import { findFreePort } from '../../infra/local/free-port.ts';
import { startFrontPaymentSandbox } from '../../infra/local/front-payment-sandbox/index.ts';
import { localAwsClientConfig } from '../../infra/local/local-aws.ts';
import { httpApiEvent, lambdaContext } from '../support/api-gateway-events.ts';
import { validReservationRequest } from '../support/reservation-requests.ts';
import { medianMs } from './measure.ts';
import { report } from './report.ts';

const TOKEN = 'bench-token';
const SECRET = 'bench-secret';

/**
 * Warm per-request latency of both HTTP functions, in process, against DynamoDB Local, the local
 * EventBridge and the sandbox. The baseline is the least I/O each request needs, made with the
 * same SDK clients: what our validation, idempotency record, locking and outbox add is the ratio.
 */
export async function benchRequests(times: number): Promise<void> {
  const dynamoDb = await startDynamoDbLocal({ port: await findFreePort() });
  const eventBridge = await startLocalEventBridge({});
  const sandbox = await startFrontPaymentSandbox({ token: TOKEN, callbackSecret: SECRET });
  const dynamoDbClient = new DynamoDBClient({
    ...localAwsClientConfig,
    endpoint: dynamoDb.endpoint,
  });
  try {
    const names = { reservations: 'bench-reservations' };
    await createTables(dynamoDbClient, names);
    Object.assign(process.env, {
      AWS_REGION: 'eu-north-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: dynamoDb.endpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: eventBridge.url,
      RESERVATIONS_TABLE_NAME: names.reservations,
      FRONT_PAYMENT_BASE_URL: sandbox.url,
      FRONT_PAYMENT_TOKEN: TOKEN,
      FRONT_PAYMENT_CALLBACK_SECRET: SECRET,
      CALLBACK_BASE_URL: 'http://127.0.0.1:9',
      EVENT_BUS_NAME: 'bench-bus',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
    const createSession = (await import('../../functions/create-session/handler.ts')).handler;
    const callback = (await import('../../functions/callback/handler.ts')).handler;
    const documents = DynamoDBDocumentClient.from(dynamoDbClient);
    const events = new EventBridgeClient({ ...localAwsClientConfig, endpoint: eventBridge.url });
    const request = validReservationRequest();
    const body = JSON.stringify(request);
    let counter = 0;

    const putItem = () =>
      documents.send(
        new PutCommand({
          TableName: names.reservations,
          Item: { pk: `BENCH#${counter++}`, sk: 'B' },
        }),
      );
    const createBaseline = await medianMs(times, async () => {
      await fetch(`${sandbox.url}/api/v1/connect/reservations/create`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          ...request,
          products: { '0': request.products[0], '1': request.products[1] },
        }),
      });
      await putItem();
    });
    const create = (key?: string) =>
      expectStatus(
        201,
        createSession(
          httpApiEvent({
            method: 'POST',
            path: '/reservations',
            headers: {
              'content-type': 'application/json',
              ...(key ? { 'idempotency-key': key } : {}),
            },
            body,
            callerArn: 'arn:aws:iam::123456789012:role/bench',
          }),
          lambdaContext(),
        ),
      );
    const createIs = 'one Front Payment call + one PutItem';
    report({
      what: 'create-session: warm request, no key',
      ours: await medianMs(times, () => create()),
      baseline: createBaseline,
      unit: 'ms',
      baselineIs: createIs,
    });
    report({
      what: 'create-session: warm request, Idempotency-Key',
      ours: await medianMs(times, () => create(`bench-${counter++}`)),
      baseline: createBaseline,
      unit: 'ms',
      baselineIs: createIs,
    });
    await create('bench-replay');
    report({
      what: 'create-session: replayed Idempotency-Key',
      ours: await medianMs(times, () => create('bench-replay')),
      baseline: createBaseline,
      unit: 'ms',
      baselineIs: createIs,
    });

    const created = JSON.parse((await create()).body ?? '{}');
    const callbackBaseline = await medianMs(times, async () => {
      await putItem();
      await events.send(
        new PutEventsCommand({
          Entries: [
            { EventBusName: 'bench-bus', Source: 'bench', DetailType: 'bench', Detail: '{}' },
          ],
        }),
      );
    });
    // Each capture a second apart in the last day, sent now: fresh, and a new change every time.
    const sentAt = Math.floor(Date.now() / 1000);
    let createdAt = sentAt - 86_000;
    const signedCapture = () => {
      const query = `orderUuid=${created.reservationUuid}&status=CAPTURED&createdAt=${createdAt++}&paymentMethod=Visa&amount=1&timestamp=${sentAt}`;
      return `${query}&checksum=${computeChecksum(parseRawQuery(query), SECRET)}`;
    };
    const deliver = (rawQueryString: string) =>
      expectStatus(
        200,
        callback(
          httpApiEvent({ method: 'GET', path: '/callbacks/front-payment', rawQueryString }),
          lambdaContext(),
        ),
      );
    const callbackIs = 'one PutItem + one PutEvents';
    report({
      what: 'callback: new status change, published',
      ours: await medianMs(times, () => deliver(signedCapture())),
      baseline: callbackBaseline,
      unit: 'ms',
      baselineIs: callbackIs,
    });
    const duplicate = signedCapture();
    await deliver(duplicate);
    report({
      what: 'callback: duplicate delivery',
      ours: await medianMs(times, () => deliver(duplicate)),
      baseline: callbackBaseline,
      unit: 'ms',
      baselineIs: callbackIs,
    });
    events.destroy();
  } finally {
    dynamoDbClient.destroy();
    await sandbox.stop();
    await eventBridge.stop();
    await dynamoDb.stop();
  }
}

/** A benchmark of error answers would measure the wrong thing: stop at the first one. */
async function expectStatus<
  T extends { statusCode?: number | undefined; body?: string | undefined },
>(statusCode: number, answer: Promise<T>): Promise<T> {
  const response = await answer;
  if (response.statusCode !== statusCode) {
    throw new Error(`expected ${statusCode}, got ${response.statusCode}: ${response.body}`);
  }
  return response;
}
