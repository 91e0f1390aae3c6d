import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as v from 'valibot';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CAPTURE_DUE_DETAIL_TYPE, CaptureDueDetailSchema } from '#shared/events/capture-due-event';
import type { StatusChangedDetail } from '#shared/events/status-changed-event';
import { STATUS_CHANGED_DETAIL_TYPE } from '#shared/events/status-changed-event';
import { checkTime, openShardOf } from '#shared/reservations/open-index';
import { reservationKeys } from '#shared/reservations/table-design';
import { backfillOpenIndex } from '../../functions/reconcile/backfill-open-index.ts';
import { httpApiEvent, lambdaContext } from '../support/api-gateway-events.ts';
import {
  FRONT_PAYMENT_TOKEN,
  readReservation,
  seedReservation,
  useCallbackStack,
} from '../support/callback-fixtures.ts';
import { captureOutput } from '../support/captured-output.ts';
import { coldStartCreateSession } from '../support/create-session-handler.ts';
import {
  createAtSandbox,
  openInIndex,
  reconcilerOn,
  runReconciler,
} from '../support/reconciler.ts';
import { validReservationRequest } from '../support/reservation-requests.ts';

const stack = useCallbackStack();
// create-session logs the unknown outcomes these tests cause: kept off the console, and asserted.
const output = captureOutput();
const errorsLogged = () =>
  output
    .logs()
    .filter((line) => line.level === 'ERROR')
    .map((line) => [line.message, line.errorName]);

afterEach(() => stack.sandbox.setQuirks({ dropCallbacks: false }));

const statusEvents = () =>
  stack.bridge.events
    .filter((event) => event.detailType === STATUS_CHANGED_DETAIL_TYPE)
    .map((event) => event.detail as StatusChangedDetail);
const captureDueEvents = () =>
  stack.bridge.events
    .filter((event) => event.detailType === CAPTURE_DUE_DETAIL_TYPE)
    .map((event) => event.detail as { reservationId: string; deadline: string });

/**
 * create-session with a 400 ms Front Payment timeout; the returned function posts one request
 * again and again with the same Idempotency-Key, as a retrying merchant does.
 */
async function merchantPosting(idempotencyKey: string) {
  const handler = await coldStartCreateSession(
    { tables: stack.tables, frontPaymentUrl: stack.sandbox.url, token: FRONT_PAYMENT_TOKEN },
    { FRONT_PAYMENT_TIMEOUT_MS: '400' },
  );
  const body = JSON.stringify(validReservationRequest());
  return () =>
    handler(
      httpApiEvent({
        method: 'POST',
        path: '/reservations',
        headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
        body,
        callerArn: 'arn:aws:iam::123456789012:user/merchant',
      }),
      lambdaContext(),
    ) as Promise<APIGatewayProxyStructuredResultV2>;
}

/** A reservation known to the sandbox and to our table, open and due now. */
async function openReservation() {
  const reservation = await stack.createReservation();
  await openInIndex(stack, reservation.reservationId);
  return reservation;
}

describe('an unknown outcome', () => {
  it('is settled to SESSION_CREATED; the retry with the same key gets 201 and the sandbox holds one session', async () => {
    const post = await merchantPosting('unknown-1');
    // The sandbox creates the session but answers after our timeout.
    stack.sandbox.injectFault({ kind: 'delay', delayMs: 1_200 });
    const first = await post();
    const { reservationId } = JSON.parse(first.body ?? '{}');
    const sessions = () =>
      stack.sandbox.reservations().filter((r) => r.customerReference === reservationId);
    await vi.waitFor(() => expect(sessions()).toHaveLength(1), { timeout: 5_000 });
    expect(first.statusCode).toBe(504);
    expect(errorsLogged()).toEqual([['request failed', 'SessionOutcomeUnknownError']]);
    expect((await readReservation(stack.tables, reservationId)).status).toBe(
      'SESSION_OUTCOME_UNKNOWN',
    );

    const result = await runReconciler(reconcilerOn(stack));

    expect(result).toMatchObject({ checked: 1, changed: 1, failed: 0 });
    const settled = await readReservation(stack.tables, reservationId);
    expect(settled).toMatchObject({
      status: 'SESSION_CREATED',
      frontPaymentUuid: sessions()[0]?.reservationUuid,
    });
    const retry = await post();
    expect(retry.statusCode).toBe(201);
    expect(retry.headers).toMatchObject({ 'idempotent-replayed': 'true' });
    // Front Payment's details carry neither the link nor the customer's uuid (docs/reconciler.md).
    expect(JSON.parse(retry.body ?? '{}')).toEqual({
      reservationId,
      reservationUuid: sessions()[0]?.reservationUuid,
      customerUuid: null,
      paymentUrl: null,
      status: 'SESSION_CREATED',
    });
    expect(sessions()).toHaveLength(1);
  });

  it('becomes SESSION_FAILED when no session is found after the grace period, and a retry creates one', async () => {
    const post = await merchantPosting('unknown-2');
    // Served, then broken off as a 500: the sandbox did not create it (no afterCommit).
    stack.sandbox.injectFault({ kind: 'status', statusCode: 500 });
    const first = await post();
    const { reservationId } = JSON.parse(first.body ?? '{}');
    expect(errorsLogged()).toEqual([['request failed', 'SessionOutcomeUnknownError']]);
    expect((await readReservation(stack.tables, reservationId)).status).toBe(
      'SESSION_OUTCOME_UNKNOWN',
    );
    const dependencies = reconcilerOn(stack, { settings: { graceMs: 1 } });

    const within = await runReconciler(reconcilerOn(stack));
    expect(within).toMatchObject({ checked: 1, changed: 0 });
    expect(within.oldestUnresolvedSeconds).toBeGreaterThanOrEqual(0);
    await openInIndex(stack, reservationId);
    const after = await runReconciler(dependencies);

    expect(after).toMatchObject({ checked: 1, changed: 1 });
    expect(await readReservation(stack.tables, reservationId)).toMatchObject({
      status: 'SESSION_FAILED',
      failure: { reason: 'not-found', retryable: true },
    });
    const retry = await post();
    expect(retry.statusCode).toBe(201);
    expect(
      stack.sandbox.reservations().filter((r) => r.customerReference === reservationId),
    ).toHaveLength(1);
  });
});

describe('missed callbacks (drop-callbacks)', () => {
  it('publishes exactly the four events; the late callbacks then add nothing', async () => {
    const { reservationId, reservationUuid: uuid } = await openReservation();
    stack.sandbox.setQuirks({ dropCallbacks: true });
    await stack.sandbox.pay(uuid, 'visa');
    await stack.sandbox.capture(uuid, 400);
    await stack.sandbox.capture(uuid, 400);
    await stack.sandbox.charge(uuid, 150);
    expect(stack.sandbox.callbacks.filter((c) => c.reservationUuid === uuid)).toHaveLength(0);

    const result = await runReconciler(reconcilerOn(stack));

    expect(result).toMatchObject({ checked: 1, changed: 1, events: 4, failed: 0 });
    expect(statusEvents().map((event) => [event.status, event.amount])).toEqual([
      ['RESERVED', 1000],
      ['CAPTURED', 400],
      ['CAPTURED', 400],
      ['CHARGED', 150],
    ]);
    const late = await stack.sandbox.flushCallbacks(uuid);
    expect(late.map((callback) => callback.statusCode)).toEqual([200, 200, 200, 200]);
    expect(statusEvents()).toHaveLength(4);
    expect((await readReservation(stack.tables, reservationId)).status).toBe('CHARGED');
    // And a second run finds nothing new either.
    await openInIndex(stack, reservationId);
    expect(await runReconciler(reconcilerOn(stack))).toMatchObject({ checked: 1, events: 0 });
    expect(statusEvents()).toHaveLength(4);
  });
});

/** Ends the reservation at Front Payment (POST complete/{uuid}); no callback follows. */
async function completeAtSandbox(uuid: string) {
  const response = await fetch(
    `${stack.sandbox.url}/api/v1/connect/reservations/complete/${uuid}`,
    {
      method: 'POST',
      headers: {
        authorization: `Bearer ${FRONT_PAYMENT_TOKEN}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ note: 'stay ended' }),
    },
  );
  expect(response.status).toBe(202);
}

/** Due now, if it is still in the index (never puts it back). */
async function dueNow(reservationId: string) {
  await stack.tables.documents
    .send(
      new UpdateCommand({
        TableName: stack.tables.names.reservations,
        Key: reservationKeys.reservation(reservationId),
        UpdateExpression: 'SET nextCheckAt = :due',
        ConditionExpression: 'attribute_exists(openShard)',
        ExpressionAttributeValues: { ':due': checkTime(Date.now() - 1000) },
      }),
    )
    .catch((error: Error) => {
      if (error.name !== 'ConditionalCheckFailedException') throw error;
    });
}

describe('completed reservations with money left to refund', () => {
  it('stay watched: a refund made at Front Payment after COMPLETED is recorded by the next run', async () => {
    const { reservationId, reservationUuid: uuid } = await openReservation();
    await stack.sandbox.pay(uuid, 'visa');
    await stack.sandbox.capture(uuid, 600);
    await completeAtSandbox(uuid);
    await dueNow(reservationId);
    await runReconciler(reconcilerOn(stack));
    expect(await readReservation(stack.tables, reservationId)).toMatchObject({
      status: 'COMPLETED',
      openShard: openShardOf(reservationId),
    });

    await stack.sandbox.refund(uuid, { amount: 100, source: 'captured' });
    await dueNow(reservationId);
    const result = await runReconciler(reconcilerOn(stack));

    expect(result).toMatchObject({ checked: 1, events: 1 });
    expect(
      statusEvents()
        .filter((event) => event.reservationId === reservationId)
        .map((event) => [event.status, event.amount, event.currentStatus]),
    ).toEqual([
      ['RESERVED', 1000, 'RESERVED'],
      ['CAPTURED', 600, 'CAPTURED'],
      ['COMPLETED', 0, 'COMPLETED'],
      ['REFUNDED', 100, 'COMPLETED'],
    ]);
  });

  it('leave the index when nothing is left to refund, or when the watch bound has passed', async () => {
    const refundedAll = await openReservation();
    const watched = await openReservation();
    for (const { reservationUuid: uuid } of [refundedAll, watched]) {
      await stack.sandbox.pay(uuid, 'visa');
      await stack.sandbox.capture(uuid, 300);
    }
    await stack.sandbox.refund(refundedAll.reservationUuid, { amount: 300, source: 'captured' });
    for (const { reservationUuid: uuid } of [refundedAll, watched]) await completeAtSandbox(uuid);
    for (const { reservationId } of [refundedAll, watched]) await dueNow(reservationId);

    await runReconciler(reconcilerOn(stack, { settings: { refundWatchMs: 0 } }));

    for (const { reservationId } of [refundedAll, watched]) {
      const reservation = await readReservation(stack.tables, reservationId);
      expect(reservation.status).toBe('COMPLETED');
      expect(reservation).not.toHaveProperty('openShard');
    }
  });
});

describe('expired links and deadlines', () => {
  it('an unpaid link past its due date becomes EXPIRED with one event, and leaves the index', async () => {
    const dueSecondsAgo = Math.floor(Date.now() / 1000) - 30;
    const uuid = await createAtSandbox(stack, { dueDateForPaymentLink: String(dueSecondsAgo) });
    const { reservationId } = await seedReservation(stack.tables, { frontPaymentUuid: uuid });
    await openInIndex(stack, reservationId);

    const result = await runReconciler(reconcilerOn(stack));
    const again = await runReconciler(reconcilerOn(stack));

    expect(result).toMatchObject({ checked: 1, changed: 1, events: 1 });
    expect(statusEvents().map((event) => [event.reservationId, event.status])).toEqual([
      [reservationId, 'EXPIRED'],
    ]);
    const reservation = await readReservation(stack.tables, reservationId);
    expect(reservation.status).toBe('EXPIRED');
    expect(reservation).not.toHaveProperty('openShard');
    expect(again.checked).toBe(0);
  });

  it('sends the capture-due warning once', async () => {
    const { reservationId, reservationUuid: uuid } = await openReservation();
    await stack.sandbox.pay(uuid, 'visa');
    const eventsBefore = statusEvents().length;
    // The window ends in 7 days; with 8 days' lead time the warning is due now.
    const dependencies = reconcilerOn(stack, { settings: { leadTimeMs: 8 * 24 * 3_600_000 } });

    const first = await runReconciler(dependencies);
    await openInIndex(stack, reservationId);
    const second = await runReconciler(dependencies);

    const warnings = captureDueEvents().filter((event) => event.deadline === 'capture-window');
    expect(warnings).toEqual([
      expect.objectContaining({ reservationId, deadline: 'capture-window', reservationUuid: uuid }),
    ]);
    // Every warning sent is what the committed JSON Schema (generated from this schema) describes.
    for (const event of captureDueEvents())
      expect(v.parse(CaptureDueDetailSchema, event)).toEqual(event);
    expect(first.warnings).toBeGreaterThanOrEqual(1);
    expect(second.warnings).toBe(0);
    expect(statusEvents()).toHaveLength(eventsBefore);
  });
});

describe('Front Payment failing during a run', () => {
  async function threeMissed() {
    stack.sandbox.setQuirks({ dropCallbacks: true });
    const reservations = [];
    for (let index = 0; index < 3; index += 1) {
      const reservation = await openReservation();
      await stack.sandbox.pay(reservation.reservationUuid, 'visa');
      reservations.push(reservation);
    }
    return reservations;
  }

  it.each([
    ['429', { kind: 'status', statusCode: 429 } as const, 'throttled'],
    ['500', { kind: 'status', statusCode: 500, times: 3 } as const, 'failing'],
    // Every call times out (500 ms): after three in a row the run stops calling.
    ['hanging', { kind: 'delay', delayMs: 3_000, times: 3 } as const, 'failing'],
    // Calls that would outlast the run: each is cut off at the run's deadline (800 ms away).
    ['hanging past the run deadline', { kind: 'delay', delayMs: 3_000, times: 3 } as const, 'time'],
  ])(
    'on %s: the run stops within its budget, loses nothing, and the next run completes',
    async (_name, fault, stoppedBy) => {
      const reservations = await threeMissed();
      stack.sandbox.injectFault(fault);
      const pastDeadline = stoppedBy === 'time';
      const dependencies = reconcilerOn(stack, {
        frontPaymentTimeoutMs: pastDeadline ? 5_000 : 500,
      });

      const failing = await runReconciler(dependencies, {
        deadline: Date.now() + (pastDeadline ? 800 : 20_000),
      });
      expect(failing.stoppedBy).toBe(stoppedBy);
      expect(failing.events).toBeLessThan(3);
      stack.sandbox.clearFaults();
      const next = await runReconciler(dependencies);

      expect(failing.events + next.events).toBe(3);
      expect(next).toMatchObject({ failed: 0, notReached: 0 });
      for (const { reservationId } of reservations) {
        expect((await readReservation(stack.tables, reservationId)).status).toBe('RESERVED');
      }
      expect(statusEvents().map((event) => event.status)).toEqual([
        'RESERVED',
        'RESERVED',
        'RESERVED',
      ]);
    },
  );
});

describe('backfill of reservations written before the index', () => {
  it('adds the open ones, due now, leaves final ones out, and changes nothing when run again', async () => {
    const open = await seedReservation(stack.tables, { status: 'RESERVED', statusRank: 20 });
    const created = await seedReservation(stack.tables);
    const completed = await seedReservation(stack.tables, { status: 'COMPLETED', statusRank: 60 });
    const failed = await seedReservation(stack.tables, { status: 'SESSION_FAILED' });
    const { documents, names } = stack.tables;

    const added = await backfillOpenIndex(documents, names.reservations);
    const again = await backfillOpenIndex(documents, names.reservations);

    expect(added).toBeGreaterThanOrEqual(2);
    expect(again).toBe(0);
    for (const { reservationId } of [open, created]) {
      expect(await readReservation(stack.tables, reservationId)).toMatchObject({
        openShard: openShardOf(reservationId),
        nextCheckAt: expect.any(String),
      });
    }
    for (const { reservationId } of [completed, failed]) {
      expect(await readReservation(stack.tables, reservationId)).not.toHaveProperty('openShard');
    }
  });
});
