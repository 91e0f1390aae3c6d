import { describe, expect, it } from 'vitest';
import { rankOfStatus } from '#shared/callbacks/payment-status';
import type { StatusChangedDetail } from '#shared/events/status-changed-event';
import {
  callbackFields,
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
