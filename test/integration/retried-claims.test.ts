import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { reservationKeys } from '#shared/reservations/table-design';
import { type RunningLocalStack, startLocalStack } from '../../infra/local/local-stack.ts';
import { createLocalStackClient } from '../../infra/local/local-stack-client.ts';
import { sampleReservationRequest } from '../../infra/local/sample-reservation.ts';
import { captureOutput } from '../support/captured-output.ts';
import { type CountingProxy, startCountingProxy } from '../support/counting-proxy.ts';
import { dynamoDbFaults } from '../support/dynamodb-faults.ts';

// Busy hours: DynamoDB applies a write, its answer is lost (a timeout, a dropped connection), and
// the SDK's own retry middleware sends the same write again. A conditional write's retry then
// meets the item its first try wrote. On the real parts: the functions as `npm start` runs them,
// the real SDK client, DynamoDB Local behind a proxy that sees every try, the sandbox over HTTP.
const suffix = randomUUID().slice(0, 8);
const tableName = `retried-claims-${suffix}`;
let stack: RunningLocalStack;
let proxy: CountingProxy;
let client: ReturnType<typeof createLocalStackClient>;
let faults: ReturnType<typeof dynamoDbFaults>;
/** Every request that reached DynamoDB Local, as `UpdateItem attempt=2; max=3`. */
const wire: string[] = [];
const output = captureOutput();

/** The operation and the SDK's own try counter (its `amz-sdk-request` header). */
const tryName = (request: IncomingMessage) =>
  `${String(request.headers['x-amz-target']).replace(/^.*\./, '')} ${request.headers['amz-sdk-request']}`;

beforeAll(async () => {
  proxy = await startCountingProxy(inject('dynamoDbEndpoint'), wire, tryName);
  stack = await startLocalStack({
    port: 0,
    eventBridgePort: 0,
    sandboxPort: 0,
    logLevel: 'WARN',
    tableNames: { reservations: tableName },
    dynamoDbEndpoint: proxy.url,
    reconcileIntervalMs: 0,
    publishPendingIntervalMs: 0,
    // Callbacks are signals only, and would take the faults meant for the writes under test.
    sandboxQuirks: { dropCallbacks: true },
  });
  client = createLocalStackClient({ apiUrl: stack.urls.api, frontPaymentToken: 'local' });
  // The client the functions were loaded with (one module instance per process).
  const { dynamoDbClient } = (await import('#shared/aws/dynamodb')) as {
    dynamoDbClient: DynamoDBClient;
  };
  faults = dynamoDbFaults(dynamoDbClient);
});

beforeEach(() => {
  wire.length = 0;
});

afterEach(() => {
  faults.clear();
  stack.sandbox?.clearFaults();
});

afterAll(async () => {
  await stack?.stop();
  await proxy?.stop();
});

interface Answer {
  readonly status: number;
  readonly replayed: boolean;
  readonly body: Record<string, unknown>;
}

async function post(path: string, body: unknown, key: string = randomUUID()): Promise<Answer> {
  const response = await fetch(`${stack.urls.api}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    replayed: response.headers.get('idempotent-replayed') === 'true',
    body: (await response.json()) as Record<string, unknown>,
  };
}

const createRequest = () =>
  sampleReservationRequest({ returnBaseUrl: stack.urls.api, referenceNo: `RTY-${suffix}` });

async function paidReservation() {
  const created = await client.createReservation(createRequest(), randomUUID());
  await stack.sandbox?.pay(created.reservationUuid, 'visa');
  return created;
}

const command = (reservationId: string, name: string, body: unknown, key?: string) =>
  post(`/reservations/${reservationId}/${name}`, body, key);

function callsTo(operation: string, reservationUuid?: string) {
  return (stack.sandbox?.calls ?? []).filter((call) =>
    reservationUuid
      ? call.path === `/api/v1/connect/reservations/${operation}/${reservationUuid}`
      : call.path === `/api/v1/connect/reservations/${operation}`,
  );
}

/** The reservation's own item, as DynamoDB holds it. */
async function reservationItem(reservationId: unknown) {
  const { Item } = await stack.documents.send(
    new GetCommand({
      TableName: tableName,
      Key: reservationKeys.reservation(String(reservationId)),
      ConsistentRead: true,
    }),
  );
  return Item;
}

/** The commands our API lists for the reservation (its own records, no refresh). */
async function commandsOf(reservationId: string) {
  const response = await fetch(`${stack.urls.api}/reservations/${reservationId}`);
  return ((await response.json()) as { commands: Record<string, unknown>[] }).commands;
}

/** The SDK sent the caught write twice: DynamoDB Local saw its second try. */
function expectSentTwice(operation: 'UpdateItem' | 'TransactWriteItems') {
  expect(wire.filter((each) => each.startsWith(`${operation} attempt=2;`))).toHaveLength(1);
}

describe('POST /reservations when the claim of the reservation item is retried by the SDK', () => {
  it('reproduction: a fresh Idempotency-Key gets its session, not 409 request-in-progress', async () => {
    const caught = faults.inject(['attribute_not_exists(pk)', 'CREATING'], {
      kind: 'answer-lost-sdk-retries',
    });
    const callsBefore = callsTo('create').length;

    const created = await post('/reservations', createRequest());
    await caught;

    expectSentTwice('UpdateItem');
    expect(created).toMatchObject({ status: 201, replayed: false });
    expect(callsTo('create')).toHaveLength(callsBefore + 1);
    expect(await reservationItem(created.body.reservationId)).toMatchObject({
      status: 'SESSION_CREATED',
      frontPaymentUuid: created.body.reservationUuid,
    });
  });

  it('a retried write of the created session recognises its own write', async () => {
    const caught = faults.inject(['SESSION_CREATED'], { kind: 'answer-lost-sdk-retries' });
    const callsBefore = callsTo('create').length;

    const created = await post('/reservations', createRequest());
    await caught;

    expectSentTwice('UpdateItem');
    expect(created).toMatchObject({ status: 201, body: { status: 'SESSION_CREATED' } });
    expect(callsTo('create')).toHaveLength(callsBefore + 1);
    expect(await reservationItem(created.body.reservationId)).toMatchObject({
      frontPaymentUuid: created.body.reservationUuid,
    });
  });
});

describe('POST /reservations when a failure’s record is retried by the SDK', () => {
  it('reproduction: a refused session is recorded once, without a false ERROR line', async () => {
    stack.sandbox?.injectFault({ kind: 'status', statusCode: 400 });
    const caught = faults.inject(['SESSION_FAILED', 'REMOVE inProgressUntil'], {
      kind: 'answer-lost-sdk-retries',
    });

    const referenceNo = `RTY-FAILED-${suffix}`;
    const refused = await post(
      '/reservations',
      sampleReservationRequest({ returnBaseUrl: stack.urls.api, referenceNo }),
    );
    await caught;

    expectSentTwice('UpdateItem');
    expect(refused).toMatchObject({ status: 422, body: { retryable: false } });
    const { Items = [] } = await stack.documents.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'referenceNo = :referenceNo',
        ExpressionAttributeValues: { ':referenceNo': referenceNo },
        ConsistentRead: true,
      }),
    );
    expect(Items).toEqual([
      expect.objectContaining({
        status: 'SESSION_FAILED',
        failure: expect.objectContaining({ reason: 'rejected' }),
      }),
    ]);
    expect(output.logs()).not.toContainEqual(
      expect.objectContaining({ message: 'could not record the failed session' }),
    );
  });
});

describe('a command whose record write is retried by the SDK', () => {
  it('reproduction: the first write of a fresh Idempotency-Key runs the command, not 409', async () => {
    const { reservationId, reservationUuid } = await paidReservation();
    const caught = faults.inject(['attribute_not_exists(pk)', 'COMMAND#', 'SENDING'], {
      kind: 'answer-lost-sdk-retries',
    });

    const captured = await command(reservationId, 'capture', { amount: 20 });
    await caught;

    expectSentTwice('UpdateItem');
    expect(captured).toMatchObject({ status: 202, replayed: false, body: { state: 'ACCEPTED' } });
    expect(callsTo('capture', reservationUuid)).toHaveLength(1);
  });

  it('marking the record sent is simply written again', async () => {
    const { reservationId, reservationUuid } = await paidReservation();
    const caught = faults.inject(['SET sentAt'], { kind: 'answer-lost-sdk-retries' });

    const captured = await command(reservationId, 'capture', { amount: 20 });
    await caught;

    expectSentTwice('UpdateItem');
    expect(captured).toMatchObject({ status: 202, body: { state: 'ACCEPTED' } });
    expect(callsTo('capture', reservationUuid)).toHaveLength(1);
  });

  it('a capture’s ACCEPTED and the claim of its CAP… are written once (the transaction’s token)', async () => {
    const { reservationId, reservationUuid } = await paidReservation();
    const caught = faults.inject(['CLAIM#', 'ACCEPTED'], { kind: 'answer-lost-sdk-retries' });

    const captured = await command(reservationId, 'capture', { amount: 20 });
    await caught;

    expectSentTwice('TransactWriteItems');
    expect(captured).toMatchObject({ status: 202, body: { state: 'ACCEPTED' } });
    expect(callsTo('capture', reservationUuid)).toHaveLength(1);
    expect(await commandsOf(reservationId)).toEqual([
      expect.objectContaining({ state: 'ACCEPTED', reference: captured.body.reference }),
    ]);
  });

  it('reproduction: a complete’s ACCEPTED is answered 202, not as an unknown outcome', async () => {
    const { reservationId, reservationUuid } = await paidReservation();
    const caught = faults.inject(['COMMAND#', 'SET #state = :state', 'ACCEPTED'], {
      kind: 'answer-lost-sdk-retries',
    });

    const completed = await command(reservationId, 'complete', { note: 'stay ended' });
    await caught;

    expectSentTwice('UpdateItem');
    expect(completed).toMatchObject({ status: 202, body: { state: 'ACCEPTED' } });
    expect(callsTo('complete', reservationUuid)).toHaveLength(1);
    expect(await commandsOf(reservationId)).toEqual([
      expect.objectContaining({ state: 'ACCEPTED' }),
    ]);
    expect(output.logs()).not.toContainEqual(
      expect.objectContaining({ message: 'command outcome unknown' }),
    );
  });

  it('reproduction: a refusal by our state rules is answered as such, not 409 request-in-progress', async () => {
    const { reservationId, reservationUuid } = await paidReservation();
    const caught = faults.inject(['COMMAND#', 'SET #state = :state', 'REFUSED'], {
      kind: 'answer-lost-sdk-retries',
    });

    const refused = await command(reservationId, 'capture', { amount: 1_000_000 });
    await caught;

    expectSentTwice('UpdateItem');
    expect(refused).toMatchObject({ status: 409, body: { code: 'state-conflict' } });
    expect(callsTo('capture', reservationUuid)).toHaveLength(0);
    expect(await commandsOf(reservationId)).toEqual([
      expect.objectContaining({ state: 'REFUSED' }),
    ]);
  });

  it('reproduction: Front Payment’s refusal of a command is answered as such, not with a 500', async () => {
    const { reservationId, reservationUuid } = await paidReservation();
    // The details read passes; the capture itself is refused by Front Payment.
    stack.sandbox?.injectFault({ kind: 'delay', delayMs: 0 });
    stack.sandbox?.injectFault({ kind: 'status', statusCode: 400 });
    const caught = faults.inject(['COMMAND#', 'SET #state = :state', 'REFUSED'], {
      kind: 'answer-lost-sdk-retries',
    });

    const refused = await command(reservationId, 'capture', { amount: 20 });
    await caught;

    expectSentTwice('UpdateItem');
    expect(refused.body).toMatchObject({ code: 'front-payment-rejected' });
    expect(callsTo('capture', reservationUuid)).toHaveLength(1);
    expect(await commandsOf(reservationId)).toEqual([
      expect.objectContaining({ state: 'REFUSED' }),
    ]);
  });

  it('a send of unknown outcome is answered as unknown: the retried write still meets its condition', async () => {
    const { reservationId, reservationUuid } = await paidReservation();
    // The details read passes; the capture itself gets a 500 from Front Payment.
    stack.sandbox?.injectFault({ kind: 'delay', delayMs: 0 });
    stack.sandbox?.injectFault({ kind: 'status', statusCode: 500 });
    const caught = faults.inject(['COMMAND#', 'SET #state = :state', 'OUTCOME_UNKNOWN'], {
      kind: 'answer-lost-sdk-retries',
    });

    const unknown = await command(reservationId, 'capture', { amount: 20 });
    await caught;

    expectSentTwice('UpdateItem');
    expect(unknown).toMatchObject({ status: 502, body: { retryable: false } });
    expect(callsTo('capture', reservationUuid)).toHaveLength(1);
    expect(await commandsOf(reservationId)).toEqual([
      expect.objectContaining({ state: 'OUTCOME_UNKNOWN' }),
    ]);
    expect(output.logs()).toContainEqual(
      expect.objectContaining({ level: 'WARN', message: 'command outcome unknown' }),
    );
  });
});
