import { describe, expect, it } from 'vitest';
import { rankOfStatus } from '#shared/callbacks/payment-status';
import { createStatusChangeRepository } from '#shared/callbacks/status-change-repository';
import type { StatusChangedDetail } from '#shared/events/status-changed-event';
import { createFrontPaymentClient } from '#shared/front-payment/front-payment-client';
import {
  callbackFields,
  FRONT_PAYMENT_TOKEN,
  readReservation,
  readStatusChanges,
  signedQuery,
  useCallbackStack,
} from '../support/callback-fixtures.ts';

const stack = useCallbackStack();

const sendAll = (queries: readonly string[], reservationId: string) =>
  Promise.all(queries.map((query) => stack.send(query, reservationId)));

/** A reservation whose changes happen at the sandbox with their callbacks held back. */
async function reservationWithHeldCallbacks() {
  stack.sandbox.setQuirks({ reverseCallbackOrder: true });
  return stack.createReservation();
}

describe('callbacks handled at the same time (as concurrent Lambdas would)', () => {
  it('records five simultaneous deliveries of one change once, with exactly one event', async () => {
    const { reservationId, reservationUuid } = await reservationWithHeldCallbacks();
    await stack.sandbox.pay(reservationUuid, 'visa');
    const query = signedQuery(callbackFields(reservationUuid, 'Reserved'));

    const responses = await sendAll(Array(5).fill(query), reservationId);

    expect(responses.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200]);
    expect(responses.filter((r) => r.body.duplicate === false)).toHaveLength(1);
    expect(await readStatusChanges(stack.tables, reservationId)).toHaveLength(1);
    expect(await readReservation(stack.tables, reservationId)).toMatchObject({
      status: 'RESERVED',
      version: 3,
    });
    expect(stack.bridge.events).toHaveLength(1);
  });

  it('records different changes of one reservation all at once with a consistent history', async () => {
    const { reservationId, reservationUuid: uuid } = await reservationWithHeldCallbacks();
    await stack.sandbox.pay(uuid, 'visa');
    for (const amount of [300, 300, 400]) await stack.sandbox.capture(uuid, amount);
    for (const amount of [50, 60]) await stack.sandbox.charge(uuid, amount);
    // One callback per change, each sent at its own second, all arriving at once.
    const statuses = ['Reserved', 'Captured', 'Captured', 'Captured', 'Charged', 'Charged'];
    const now = Math.floor(Date.now() / 1000);
    const queries = statuses.map((status, index) =>
      signedQuery(callbackFields(uuid, status, { timestamp: String(now - index) })),
    );

    const responses = await sendAll(queries, reservationId);

    expect(responses.map((r) => r.statusCode)).toEqual(Array(6).fill(200));
    const reservation = await readReservation(stack.tables, reservationId);
    expect(reservation).toMatchObject({ status: 'CHARGED', statusRank: 30, version: 2 + 6 });

    // Each change saw the reservation exactly as the previous one left it.
    const history = await readStatusChanges(stack.tables, reservationId);
    expect(history.map((c) => c.reservationVersion)).toEqual([3, 4, 5, 6, 7, 8]);
    let expectedPrevious = 'SESSION_CREATED';
    let highest = 'SESSION_CREATED';
    for (const change of history) {
      if (rankOfStatus(change.status) > rankOfStatus(highest)) highest = change.status;
      expect(change.previousStatus).toBe(expectedPrevious);
      expect(change.currentStatus).toBe(highest);
      expectedPrevious = change.currentStatus;
    }

    const details = stack.bridge.events.map((event) => event.detail as StatusChangedDetail);
    expect(details).toHaveLength(6);
    expect(new Set(details.map((d) => d.eventId))).toEqual(new Set(history.map((c) => c.eventId)));
  });
});

describe('a details read older than what is recorded', () => {
  it('does not set the status: a refund seen late keeps the status a newer read left', async () => {
    stack.sandbox.setQuirks({ dropCallbacks: true });
    try {
      const { reservationId, reservationUuid: uuid } = await stack.createReservation();
      const frontPayment = createFrontPaymentClient({
        baseUrl: stack.sandbox.url,
        token: async () => FRONT_PAYMENT_TOKEN,
        timeoutMs: 5_000,
      });
      const repository = createStatusChangeRepository({
        documents: stack.tables.documents,
        tableName: stack.tables.names.reservations,
      });
      await stack.sandbox.pay(uuid, 'visa');
      await stack.sandbox.capture(uuid, 500);
      await stack.sandbox.refund(uuid, { amount: 100, source: 'captured' });
      const older = await frontPayment.getReservationDetails(uuid);
      await stack.sandbox.charge(uuid, 50);
      // The newer read's history call fails: it records everything but the refund.
      stack.sandbox.injectFault({ kind: 'delay', delayMs: 0 });
      stack.sandbox.injectFault({ kind: 'status', statusCode: 500 });
      const newer = await frontPayment.getReservationDetails(uuid);
      const at = new Date().toISOString();

      const first = await repository.recordChanges(
        await required(repository.findReservationById(reservationId)),
        newer,
        at,
        undefined,
      );
      const late = await repository.recordChanges(
        await required(repository.findReservationById(reservationId)),
        older,
        at,
        undefined,
      );

      expect([older.status, newer.status, newer.refunds]).toEqual(['CAPTURED', 'CHARGED', null]);
      expect(first.records.map((record) => record.status)).toEqual([
        'RESERVED',
        'CAPTURED',
        'CHARGED',
      ]);
      expect(late.records.map((record) => [record.status, record.currentStatus])).toEqual([
        ['REFUNDED', 'CHARGED'],
      ]);
      expect((await readReservation(stack.tables, reservationId)).status).toBe('CHARGED');
    } finally {
      stack.sandbox.setQuirks({ dropCallbacks: false });
    }
  });
});

async function required<T>(value: Promise<T | undefined>): Promise<T> {
  const resolved = await value;
  if (resolved === undefined) throw new Error('reservation not found');
  return resolved;
}
