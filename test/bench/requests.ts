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
import { startCountingProxy } from './call-counter.ts';
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
  // The functions reach both through counters, so the calls of each path can be shown.
  const dynamoDbCalls = await startCountingProxy(dynamoDb.endpoint);
  const eventBridgeCalls = await startCountingProxy(eventBridge.url);
  const sandbox = await startFrontPaymentSandbox({ token: TOKEN, callbackSecret: SECRET });
  // The baselines go through the same counters, so the proxy's hop is on both sides.
  const dynamoDbClient = new DynamoDBClient({
    ...localAwsClientConfig,
    endpoint: dynamoDbCalls.url,
  });
  try {
    const names = { reservations: 'bench-reservations' };
    await createTables(dynamoDbClient, names);
    Object.assign(process.env, {
      AWS_REGION: 'eu-north-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: dynamoDbCalls.url,
      AWS_ENDPOINT_URL_EVENTBRIDGE: eventBridgeCalls.url,
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
    const commands = (await import('../../functions/reservation-commands/handler.ts')).handler;
    const documents = DynamoDBDocumentClient.from(dynamoDbClient);
    const events = new EventBridgeClient({
      ...localAwsClientConfig,
      endpoint: eventBridgeCalls.url,
    });
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
    const create = (key: string) =>
      expectStatus(
        201,
        createSession(
          httpApiEvent({
            method: 'POST',
            path: '/reservations',
            headers: { 'content-type': 'application/json', 'idempotency-key': key },
            body,
            callerArn: 'arn:aws:iam::123456789012:role/bench',
          }),
          lambdaContext(),
        ),
      );
    const createIs = 'one Front Payment call + one PutItem';
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

    const created = JSON.parse((await create(`bench-${counter++}`)).body ?? '{}') as {
      reservationId: string;
      reservationUuid: string;
    };
    // The sandbox's own callbacks are held: the bench delivers the ones it measures itself.
    sandbox.setQuirks({ reverseCallbackOrder: true });
    await sandbox.pay(created.reservationUuid, 'visa');
    const callbackBaseline = await medianMs(times, async () => {
      await fetch(`${sandbox.url}/api/v1/connect/reservations/details/${created.reservationUuid}`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      await putItem();
      await events.send(
        new PutEventsCommand({
          Entries: [
            { EventBusName: 'bench-bus', Source: 'bench', DetailType: 'bench', Detail: '{}' },
          ],
        }),
      );
    });
    // Documented callbacks: the order's time and total; each one sent at its own second.
    const orderCreatedAt = Math.floor(Date.now() / 1000) - 3_600;
    let sentAt = Math.floor(Date.now() / 1000) - 80_000;
    const signedCharge = () => {
      const query = `orderUuid=${created.reservationUuid}&status=CHARGED&createdAt=${orderCreatedAt}&paymentMethod=Visa&amount=1370&timestamp=${sentAt++}`;
      return `${query}&checksum=${computeChecksum(parseRawQuery(query), SECRET)}`;
    };
    const deliver = (rawQueryString: string, path: 'ours' | 'old' = 'ours') =>
      expectStatus(
        200,
        callback(
          path === 'ours'
            ? {
                ...httpApiEvent({
                  method: 'GET',
                  path: `/callbacks/front-payment/${created.reservationId}`,
                  rawQueryString,
                }),
                pathParameters: { reservationId: created.reservationId },
              }
            : httpApiEvent({ method: 'GET', path: '/callbacks/front-payment', rawQueryString }),
          lambdaContext(15_000),
        ),
      );
    const newCharge = async (path: 'ours' | 'old' = 'ours') => {
      await sandbox.charge(created.reservationUuid, 1);
      return deliver(signedCharge(), path);
    };
    const callbackIs = 'one details GET + one PutItem + one PutEvents';
    report({
      what: 'callback: new charge, recorded and published',
      ours: await medianMs(times, () => newCharge()),
      baseline: callbackBaseline,
      unit: 'ms',
      baselineIs: callbackIs,
    });
    const duplicate = signedCharge();
    await deliver(duplicate);
    report({
      what: 'callback: duplicate delivery',
      ours: await medianMs(times, () => deliver(duplicate)),
      baseline: callbackBaseline,
      unit: 'ms',
      baselineIs: callbackIs,
    });

    // A charge through our API: details (state rules), the command record, Front Payment's
    // charge, the record's outcome, details again, the movement recorded and published.
    const chargeBody = {
      products: [{ name: 'Minibar', rate: 400, tax: 25, amount: 500 }],
      grandTotal: 500,
    };
    const commandBaseline = await medianMs(times, async () => {
      const uuid = created.reservationUuid;
      const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
      await fetch(`${sandbox.url}/api/v1/connect/reservations/details/${uuid}`, { headers });
      await fetch(`${sandbox.url}/api/v1/connect/reservations/charge/${uuid}`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          products: { '0': { ...chargeBody.products[0], tax: '25' } },
          grandTotal: chargeBody.grandTotal,
        }),
      });
      await putItem();
    });
    const chargeCommand = () =>
      expectStatus(
        202,
        commands(
          {
            ...httpApiEvent({
              method: 'POST',
              path: `/reservations/${created.reservationId}/charge`,
              headers: {
                'content-type': 'application/json',
                'idempotency-key': `charge-${counter++}`,
              },
              body: JSON.stringify(chargeBody),
              callerArn: 'arn:aws:iam::123456789012:role/bench',
            }),
            pathParameters: { reservationId: created.reservationId },
          },
          lambdaContext(28_000),
        ),
      );
    report({
      what: 'reservation-commands: charge, recorded and published',
      ours: await medianMs(Math.min(times, 50), chargeCommand),
      baseline: commandBaseline,
      unit: 'ms',
      baselineIs: 'one details GET + one charge POST + one PutItem',
    });

    // The calls each path makes, counted at the local endpoints (one delivery each).
    const countCalls = async (what: string, work: () => Promise<unknown>) => {
      const before = {
        dynamoDb: dynamoDbCalls.calls.length,
        eventBridge: eventBridgeCalls.calls.length,
        frontPayment: sandbox.calls.length,
      };
      await work();
      const dynamo = dynamoDbCalls.calls.slice(before.dynamoDb);
      // `/api/v1/connect/reservations/details/<uuid>` -> `details`.
      const frontPayment = sandbox.calls
        .slice(before.frontPayment)
        .map((call) => /\/reservations\/([a-z-]+)/.exec(call.path)?.[1] ?? call.path);
      const putEvents = eventBridgeCalls.calls.slice(before.eventBridge).length;
      console.log(
        `${what.padEnd(46)} DynamoDB ${String(dynamo.length).padStart(2)} (${dynamo.join(', ')})` +
          `, Front Payment ${frontPayment.length} (${frontPayment.join(', ')}), PutEvents ${putEvents}`,
      );
    };
    console.log('\nCalls per callback path (counted at the local endpoints):');
    await countCalls('new charge, path with our id', () => newCharge());
    await countCalls('new charge, old path (index lookup)', () => newCharge('old'));
    const repeated = signedCharge();
    await deliver(repeated);
    await countCalls('the identical delivery again', () => deliver(repeated));
    await countCalls('a resend (new timestamp), nothing new', () => deliver(signedCharge()));
    sandbox.injectFault({ kind: 'status', statusCode: 500 });
    await countCalls('details fail: kept for the sweeper', () => deliver(signedCharge()));
    console.log('\nCalls of a charge through POST /reservations/{id}/charge:');
    await countCalls('charge, recorded and published', chargeCommand);
    events.destroy();
  } finally {
    dynamoDbClient.destroy();
    await sandbox.stop();
    await dynamoDbCalls.stop();
    await eventBridgeCalls.stop();
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
