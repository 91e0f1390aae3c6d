import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DYNAMODB_REQUEST_HANDLER } from '#shared/aws/dynamodb';
import {
  createCallbackInbox,
  FIRST_SWEEP_DELAY_MS,
  inboxKeyOf,
  MAX_UNMATCHED_TRIES,
} from '#shared/callbacks/callback-inbox';
import {
  CALLBACK_NOT_CONFIRMED,
  ORPHAN_SESSION_ADOPTED,
  UNMATCHED_CALLBACK_SET_ASIDE,
} from '#shared/callbacks/callback-log';
import {
  createDetailsReadGate,
  DETAILS_READ_INTERVAL_MS,
} from '#shared/callbacks/details-read-gate';
import { createStatusChangeRepository } from '#shared/callbacks/status-change-repository';
import { createEventPublisher } from '#shared/events/event-publisher';
import { createOutboxRepository } from '#shared/events/outbox-repository';
import { DEFAULT_EVENT_SOURCE } from '#shared/events/status-changed-event';
import { createFrontPaymentClient } from '#shared/front-payment/front-payment-client';
import { PENDING_OUTBOX, reservationKeys } from '#shared/reservations/table-design';
import { confirmKeptCallbacks } from '../../functions/publish-pending/confirm-kept-callbacks.ts';
import { publishPendingEvents } from '../../functions/publish-pending/publish-pending.ts';
import { createOpenReservations } from '../../functions/reconcile/open-reservations.ts';
import { localAwsClientConfig } from '../../infra/local/local-aws.ts';
import {
  callbackEvent,
  callbackFields,
  FRONT_PAYMENT_TOKEN,
  type HttpHandler,
  readInboxItem,
  readReservation,
  readStatusChanges,
  signedQuery,
  sweepKeptCallbacks,
  useCallbackStack,
} from '../support/callback-fixtures.ts';
import { captureOutput } from '../support/captured-output.ts';
import { type CountingProxy, startCountingProxy } from '../support/counting-proxy.ts';
import { dynamoDbFaults } from '../support/dynamodb-faults.ts';
import { collectingLog, sweeperDependencies } from '../support/outbox-sweeper.ts';
import { openInIndex, reconcilerOn, runReconciler } from '../support/reconciler.ts';
import { createOrphanSession, seedUnknownOutcome } from '../support/session-search.ts';

// Busy hours: DynamoDB applies a conditional write, its answer is lost, and the SDK's own retry
// middleware sends the same write again, which then meets the item its first try wrote. Each test
// aims that fault (`answer-lost-sdk-retries`) at one write of the callback, sweeper or reconciler
// path, on the real parts: the real SDK client, DynamoDB Local, the sandbox over HTTP.
const stack = useCallbackStack({ handler: false });
const output = captureOutput();
let proxy: CountingProxy;
/** Every request that reached DynamoDB Local, as `UpdateItem attempt=2; max=4`. */
const wire: string[] = [];
let handler: HttpHandler;
/** Faults on the client the callback Lambda was loaded with. */
let lambdaFaults: ReturnType<typeof dynamoDbFaults>;
/** A client configured as the Lambdas' own (4 tries per request), for the sweeper and reconciler. */
let documents: DynamoDBDocumentClient;
let faults: ReturnType<typeof dynamoDbFaults>;

/** The operation and the SDK's own try counter (its `amz-sdk-request` header). */
const tryName = (request: IncomingMessage) =>
  `${String(request.headers['x-amz-target']).replace(/^.*\./, '')} ${request.headers['amz-sdk-request']}`;

beforeAll(async () => {
  proxy = await startCountingProxy(stack.tables.endpoint, wire, tryName);
  handler = await stack.loadHandler({ dynamoDbEndpoint: proxy.url, extra: { LOG_LEVEL: 'WARN' } });
  // The module instance the handler just loaded (one per cold start).
  const { dynamoDbClient } = (await import('#shared/aws/dynamodb')) as {
    dynamoDbClient: DynamoDBClient;
  };
  lambdaFaults = dynamoDbFaults(dynamoDbClient);
  const client = new DynamoDBClient({
    ...localAwsClientConfig,
    endpoint: proxy.url,
    requestHandler: DYNAMODB_REQUEST_HANDLER,
  });
  faults = dynamoDbFaults(client);
  documents = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
});

beforeEach(() => {
  wire.length = 0;
});

afterEach(() => {
  lambdaFaults.clear();
  faults.clear();
});

afterAll(async () => {
  await proxy?.stop();
});

/** The SDK sent the caught write twice: DynamoDB Local saw its second try. */
function expectSentTwice(operation: 'PutItem' | 'UpdateItem' | 'TransactWriteItems') {
  expect(wire.filter((each) => each.startsWith(`${operation} attempt=2;`))).toHaveLength(1);
}

const send = async (rawQueryString: string, reservationId: string) => {
  const response = await handler(callbackEvent(rawQueryString, reservationId));
  return { statusCode: response.statusCode, body: JSON.parse(response.body ?? 'null') };
};

/** The answer to a callback that recorded something new: what it must stay under a resend. */
const RECORDED_AND_CONFIRMED = {
  statusCode: 200,
  body: { received: true, confirmed: true, duplicate: false },
} as const;

const eventsOf = (reservationId: string) =>
  stack
    .events()
    .filter((event) => event.reservationId === reservationId)
    .map((event) => [event.status, event.amount]);

const retried = { kind: 'answer-lost-sdk-retries' } as const;

/** Paid at the sandbox, its Reserved callback delivered and recorded; later callbacks held. */
async function reservedReservation() {
  const reservation = await stack.heldReservation();
  const reserved = signedQuery(callbackFields(reservation.reservationUuid, 'Reserved'));
  const answer = await send(reserved, reservation.reservationId);
  expect(answer.body).toEqual({ received: true, confirmed: true, duplicate: false });
  return { ...reservation, reserved };
}

/** Past a kept callback's first wait and the details read interval. */
const later = () => new Date(Date.now() + FIRST_SWEEP_DELAY_MS + DETAILS_READ_INTERVAL_MS);

/** The sweeper's confirmation of kept callbacks, on the client with faults; `log` keeps its lines. */
function sweepKeptCallbacksAt(now: () => Date, log = collectingLog()) {
  const tables = { documents, tableName: stack.tables.names.reservations };
  return confirmKeptCallbacks({
    inbox: createCallbackInbox(tables),
    detailsReads: createDetailsReadGate(tables),
    repository: createStatusChangeRepository({ ...tables, now }),
    details: createFrontPaymentClient({
      baseUrl: stack.sandbox.url,
      token: async () => FRONT_PAYMENT_TOKEN,
      timeoutMs: 5_000,
    }),
    detailsTimeoutMs: 5_000,
    publisher: createEventPublisher({
      client: stack.eventBridge,
      eventBusName: 'reservations-bus',
      source: DEFAULT_EVENT_SOURCE,
    }),
    outbox: createOutboxRepository({ ...tables, now }),
    log,
    now,
  });
}

/** Time passes: the reservation's last details read is older than the read interval. */
async function detailsReadLongAgo(reservationId: string) {
  await stack.tables.documents.send(
    new UpdateCommand({
      TableName: stack.tables.names.reservations,
      Key: reservationKeys.reservation(reservationId),
      UpdateExpression: 'SET detailsReadAt = :longAgo',
      ExpressionAttributeValues: { ':longAgo': Date.now() - 2 * DETAILS_READ_INTERVAL_MS },
    }),
  );
}

describe('the callback path when DynamoDB’s answer is lost and the SDK resends the write', () => {
  it('keeping a new callback: it is still taken as new and read through at once', async () => {
    const { reservationId, reservationUuid } = await reservedReservation();
    await stack.sandbox.capture(reservationUuid, 400);
    const captured = signedQuery(callbackFields(reservationUuid, 'Captured'));
    const caught = lambdaFaults.inject(['attribute_not_exists(pk)', 'status=Captured'], retried);

    const answer = await send(captured, reservationId);
    await caught;
    expectSentTwice('PutItem');

    expect(answer).toEqual(RECORDED_AND_CONFIRMED);
    expect((await readInboxItem(stack.tables, reservationId, captured))?.outbox).toBeUndefined();
    expect(eventsOf(reservationId)).toEqual([
      ['RESERVED', 1000],
      ['CAPTURED', 400],
    ]);
    // The sweeper finds nothing left: each movement published once.
    await sweepKeptCallbacks(stack);
    expect(eventsOf(reservationId)).toHaveLength(2);
  });

  it('taking the details read of a repeated callback: the read is not put off', async () => {
    const { reservationId, reservationUuid, reserved } = await reservedReservation();
    // A capture whose own callback is still held: the repeat of Reserved finds it.
    await stack.sandbox.capture(reservationUuid, 400);
    await detailsReadLongAgo(reservationId);
    const caught = lambdaFaults.inject(['#readAt <= :cutoff', reservationId], retried);

    const answer = await send(reserved, reservationId);
    await caught;
    expectSentTwice('UpdateItem');

    expect(answer).toEqual(RECORDED_AND_CONFIRMED);
    expect(eventsOf(reservationId)).toEqual([
      ['RESERVED', 1000],
      ['CAPTURED', 400],
    ]);
    await sweepKeptCallbacks(stack);
    expect(eventsOf(reservationId)).toHaveLength(2);
  });

  it('adopting an orphan session: adopted, recorded, published once, and its alarm line written', async () => {
    const reservationId = await seedUnknownOutcome(stack);
    const uuid = await createOrphanSession(stack, reservationId);
    stack.sandbox.setQuirks({ reverseCallbackOrder: true });
    await stack.sandbox.pay(uuid, 'visa');
    const caught = lambdaFaults.inject(
      ['attribute_not_exists(frontPaymentUuid)', reservationId],
      retried,
    );

    const answer = await send(signedQuery(callbackFields(uuid, 'Reserved')), reservationId);
    await caught;
    expectSentTwice('UpdateItem');

    expect(answer).toEqual(RECORDED_AND_CONFIRMED);
    expect(await readReservation(stack.tables, reservationId)).toMatchObject({
      frontPaymentUuid: uuid,
      status: 'RESERVED',
    });
    expect(eventsOf(reservationId)).toEqual([['RESERVED', 1000]]);
    const lines = output.logs().filter((line) => line.reservationId === reservationId);
    expect(lines.map((line) => line.message)).toEqual([ORPHAN_SESSION_ADOPTED]);
    expect(lines.map((line) => line.message)).not.toContain(CALLBACK_NOT_CONFIRMED);
  });

  it('the transaction recording a change: recorded and published once', async () => {
    const { reservationId, reservationUuid } = await stack.heldReservation();
    const query = signedQuery(callbackFields(reservationUuid, 'Reserved'));
    const caught = lambdaFaults.inject(['TransactItems', reservationId], retried);

    const answer = await send(query, reservationId);
    await caught;
    expectSentTwice('TransactWriteItems');

    expect(answer).toEqual(RECORDED_AND_CONFIRMED);
    expect(await readStatusChanges(stack.tables, reservationId)).toHaveLength(1);
    expect(eventsOf(reservationId)).toEqual([['RESERVED', 1000]]);
    expect((await readReservation(stack.tables, reservationId)).status).toBe('RESERVED');
  });
});

describe('the sweeper when DynamoDB’s answer is lost and the SDK resends the write', () => {
  it('claiming a pending event’s publish lease: published in this run, once', async () => {
    const { reservationId, reservationUuid } = await stack.heldReservation();
    // EventBridge refuses every try of the callback: its event stays pending, lease released.
    stack.bridge.failNextEntries(2);
    await send(signedQuery(callbackFields(reservationUuid, 'Reserved')), reservationId);
    const [pending] = await readStatusChanges(stack.tables, reservationId);
    expect(pending?.outbox).toBe(PENDING_OUTBOX);
    const log = collectingLog();
    const later = () => new Date(Date.now() + 120_000);
    const dependencies = {
      ...sweeperDependencies(stack.tables, stack.eventBridge, { log, now: later }),
      outbox: createOutboxRepository({
        documents,
        tableName: stack.tables.names.reservations,
        now: later,
      }),
    };
    const caught = faults.inject(['#lease < :now', String(pending?.sk)], retried);

    const run = await publishPendingEvents(dependencies);
    await caught;
    expectSentTwice('UpdateItem');

    expect(run).toMatchObject({ published: [pending?.eventId], failed: [] });
    expect(eventsOf(reservationId)).toEqual([['RESERVED', 1000]]);
    const [after] = await readStatusChanges(stack.tables, reservationId);
    expect(after?.outbox).toBeUndefined();
  });
  it('claiming a kept callback’s confirmation attempt: confirmed in this run, published once', async () => {
    const { reservationId, reservationUuid } = await stack.heldReservation();
    const query = signedQuery(callbackFields(reservationUuid, 'Reserved'));
    // Front Payment's details fail when the callback arrives: kept for the sweeper.
    stack.sandbox.injectFault({ kind: 'status', statusCode: 500 });
    expect((await send(query, reservationId)).body).toEqual({ received: true, confirmed: false });
    stack.sandbox.clearFaults();
    const caught = faults.inject([inboxKeyOf(reservationId, query).pk, 'ADD #attempts'], retried);

    const run = await sweepKeptCallbacksAt(later);
    await caught;
    expectSentTwice('UpdateItem');

    // Other tests' kept callbacks may be due in this run too: this one is judged by its item.
    expect(run.confirmed).toBeGreaterThanOrEqual(1);
    expect((await readInboxItem(stack.tables, reservationId, query))?.outbox).toBeUndefined();
    expect(eventsOf(reservationId)).toEqual([['RESERVED', 1000]]);
  });
});

describe('the reconciler when DynamoDB’s answer is lost and the SDK resends the write', () => {
  it('marking a deadline warned: the capture-due warning is still sent, once', async () => {
    const { reservationId, reservationUuid } = await stack.createReservation();
    await stack.sandbox.pay(reservationUuid, 'visa');
    await openInIndex(stack, reservationId);
    // The window ends in 7 days; with 8 days' lead time the warning is due now.
    const dependencies = {
      ...reconcilerOn(stack, { settings: { leadTimeMs: 8 * 24 * 3_600_000 } }),
      reservations: createOpenReservations(documents, stack.tables.names.reservations),
    };
    const caught = faults.inject(['captureDueWarnedAt', reservationId], retried);

    await runReconciler(dependencies);
    await caught;
    expectSentTwice('UpdateItem');
    await openInIndex(stack, reservationId);
    await runReconciler(dependencies);

    const warnings = stack.bridge.events
      .map((event) => event.detail as { reservationId?: string; deadline?: string })
      .filter((detail) => detail.reservationId === reservationId && detail.deadline);
    expect(warnings.map((detail) => detail.deadline).sort()).toEqual([
      'capture-window',
      'charge-validity',
    ]);
  });

  it('settling an unknown create as found: the session’s payment recorded and published in this run, once', async () => {
    const reservationId = await seedUnknownOutcome(stack);
    const uuid = await createOrphanSession(stack, reservationId);
    stack.sandbox.setQuirks({ dropCallbacks: true });
    await stack.sandbox.pay(uuid, 'visa');
    const dependencies = {
      ...reconcilerOn(stack, { settings: { graceMs: 1 } }),
      reservations: createOpenReservations(documents, stack.tables.names.reservations),
    };
    const caught = faults.inject(['reconciledAt', reservationId], retried);

    await runReconciler(dependencies);
    await caught;
    expectSentTwice('UpdateItem');

    expect(await readReservation(stack.tables, reservationId)).toMatchObject({
      frontPaymentUuid: uuid,
      status: 'RESERVED',
    });
    expect(eventsOf(reservationId)).toEqual([['RESERVED', 1000]]);
    expect(dependencies.log.lines).toContainEqual(
      expect.objectContaining({
        message: 'Unknown outcome settled: the session exists',
        attributes: expect.objectContaining({ reservationId }),
      }),
    );
  });

  it('settling an unknown create as not found: SESSION_FAILED, and the line saying so written', async () => {
    const reservationId = await seedUnknownOutcome(stack);
    const dependencies = {
      ...reconcilerOn(stack, { settings: { graceMs: 1 } }),
      reservations: createOpenReservations(documents, stack.tables.names.reservations),
    };
    const caught = faults.inject(['not-found', 'inProgressUntil < :now', reservationId], retried);

    // The search may take more than one run when the sandbox holds other sessions.
    for (let run = 0; run < 5; run += 1) {
      await runReconciler(dependencies, { callBudget: 50 });
      if ((await readReservation(stack.tables, reservationId)).status !== 'SESSION_OUTCOME_UNKNOWN')
        break;
      await openInIndex(stack, reservationId);
    }
    await caught;
    expectSentTwice('UpdateItem');

    expect((await readReservation(stack.tables, reservationId)).status).toBe('SESSION_FAILED');
    expect(
      dependencies.log.lines.filter(
        (line) =>
          line.message === 'Unknown outcome settled: no session exists' &&
          line.attributes.reservationId === reservationId,
      ),
    ).toHaveLength(1);
  });
});

describe('writes whose resend meets a state that is already right', () => {
  it('noting the details read of a new callback: the condition still holds, written again', async () => {
    const { reservationId, reservationUuid } = await stack.heldReservation();
    const caught = lambdaFaults.inject(
      ['SET #readAt = :now, #readBy = :readBy', 'attribute_exists(pk)', reservationId],
      retried,
    );

    const answer = await send(
      signedQuery(callbackFields(reservationUuid, 'Reserved')),
      reservationId,
    );
    await caught;
    expectSentTwice('UpdateItem');

    expect(answer.body).toEqual({ received: true, confirmed: true, duplicate: false });
    expect(eventsOf(reservationId)).toEqual([['RESERVED', 1000]]);
  });

  it('marking the callback’s event published: the marker is gone, taken as cleared, no warning', async () => {
    const { reservationId, reservationUuid } = await stack.heldReservation();
    const caught = lambdaFaults.inject(['publishedAt', `RESERVATION#${reservationId}`], retried);

    const answer = await send(
      signedQuery(callbackFields(reservationUuid, 'Reserved')),
      reservationId,
    );
    await caught;
    expectSentTwice('UpdateItem');

    expect(answer.body).toEqual({ received: true, confirmed: true, duplicate: false });
    const [change] = await readStatusChanges(stack.tables, reservationId);
    expect(change?.outbox).toBeUndefined();
    expect(eventsOf(reservationId)).toEqual([['RESERVED', 1000]]);
    expect(output.logs().filter((line) => line.level !== 'INFO')).toEqual([]);
  });

  it('releasing the lease after EventBridge refused: released, and the sweeper publishes once', async () => {
    const { reservationId, reservationUuid } = await stack.heldReservation();
    stack.bridge.failNextEntries(2);
    const caught = lambdaFaults.inject(['REMOVE #lease, #owner', reservationId], retried);

    const answer = await send(
      signedQuery(callbackFields(reservationUuid, 'Reserved')),
      reservationId,
    );
    await caught;
    expectSentTwice('UpdateItem');

    expect(answer.body).toEqual({ received: true, confirmed: true, duplicate: false });
    const [pending] = await readStatusChanges(stack.tables, reservationId);
    expect(pending).toMatchObject({ outbox: PENDING_OUTBOX });
    expect(pending).not.toHaveProperty('publishLeaseUntil');
    const later120 = () => new Date(Date.now() + 120_000);
    await publishPendingEvents(
      sweeperDependencies(stack.tables, stack.eventBridge, { now: later120 }),
    );
    expect(eventsOf(reservationId)).toEqual([['RESERVED', 1000]]);
  });

  it('reopening a confirmed callback whose repeat was put off: reopened, confirmed by the sweeper', async () => {
    const { reservationId, reservationUuid, reserved } = await reservedReservation();
    await stack.sandbox.capture(reservationUuid, 400);
    const caught = lambdaFaults.inject(
      ['REMOVE #confirmedAt', inboxKeyOf(reservationId, reserved).pk],
      retried,
    );

    // Within the details read interval: the read is put off, the kept callback reopened.
    const answer = await send(reserved, reservationId);
    await caught;
    expectSentTwice('UpdateItem');

    expect(answer.body).toEqual({ received: true, confirmed: false });
    expect((await readInboxItem(stack.tables, reservationId, reserved))?.outbox).toBe(
      'UNCONFIRMED_CALLBACK',
    );
    await sweepKeptCallbacks(stack);
    expect(eventsOf(reservationId)).toEqual([
      ['RESERVED', 1000],
      ['CAPTURED', 400],
    ]);
  });

  it('deferring a failed sweeper attempt: deferred again, same kind of value', async () => {
    const { reservationId, reservationUuid } = await stack.heldReservation();
    const query = signedQuery(callbackFields(reservationUuid, 'Reserved'));
    stack.sandbox.injectFault({ kind: 'status', statusCode: 500 });
    await send(query, reservationId);
    const key = inboxKeyOf(reservationId, query);
    const caught = faults.inject(['SET #next = :next', key.pk], retried);
    const at = later();
    // Still failing when the sweeper tries (other due callbacks may take some of these too).
    stack.sandbox.injectFault({ kind: 'status', statusCode: 500, times: 10 });

    await sweepKeptCallbacksAt(() => at);
    await caught;
    expectSentTwice('UpdateItem');

    const item = await readInboxItem(stack.tables, reservationId, query);
    expect(item).toMatchObject({ outbox: 'UNCONFIRMED_CALLBACK', attempts: 2 });
    expect(Number(item?.nextAttemptAt)).toBeGreaterThan(at.getTime());
    expect(eventsOf(reservationId)).toEqual([]);
  });

  it('setting an unmatched callback aside: set aside, its alarm line written once', async () => {
    const unknownReservationId = randomUUID();
    const query = signedQuery(callbackFields('RES0000000001', 'Reserved'));
    const first = await send(query, unknownReservationId);
    expect(first.statusCode).toBe(404);
    const key = inboxKeyOf(unknownReservationId, query);
    // Its last try is next.
    await stack.tables.documents.send(
      new UpdateCommand({
        TableName: stack.tables.names.reservations,
        Key: key,
        UpdateExpression: 'SET attempts = :tries',
        ExpressionAttributeValues: { ':tries': MAX_UNMATCHED_TRIES - 1 },
      }),
    );
    const caught = faults.inject(['UNMATCHED_CALLBACK', key.pk], retried);
    const log = collectingLog();

    await sweepKeptCallbacksAt(later, log);
    await caught;
    expectSentTwice('UpdateItem');

    expect(await readInboxItem(stack.tables, unknownReservationId, query)).toMatchObject({
      outbox: 'UNMATCHED_CALLBACK',
    });
    expect(
      log.entries.filter(
        (entry) =>
          entry.message === UNMATCHED_CALLBACK_SET_ASIDE &&
          JSON.stringify(entry.attributes).includes(unknownReservationId),
      ),
    ).toHaveLength(1);
  });
});
