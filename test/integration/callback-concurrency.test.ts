import { describe, expect, it } from 'vitest';
import { rankOfStatus } from '#shared/callbacks/payment-status';
import type { StatusChangedDetail } from '#shared/events/status-changed-event';
import {
  callbackFields,
  readReservation,
  readStatusChanges,
  seedReservation,
  signedQuery,
  useCallbackStack,
} from '../support/callback-fixtures.ts';

const stack = useCallbackStack();

const sendAll = (queries: readonly string[]) =>
  Promise.all(queries.map((query) => stack.send(query)));

describe('callbacks handled at the same time (as concurrent Lambdas would)', () => {
  it('records five simultaneous deliveries of one change once, with exactly one event', async () => {
    const { reservationId, frontPaymentUuid } = await seedReservation(stack.tables);
    const query = signedQuery(callbackFields(frontPaymentUuid, 'Reserved'));

    const responses = await sendAll(Array(5).fill(query));

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
    const { reservationId, frontPaymentUuid } = await seedReservation(stack.tables);
    const changes = [
      ['Reserved', '1000', '1755764100'],
      ['Captured', '300', '1755764200'],
      ['Captured', '300', '1755764201'],
      ['Captured', '400', '1755764200'],
      ['Charged', '50', '1755764300'],
      ['Charged', '60', '1755764300'],
    ] as const;
    const queries = changes.map(([status, amount, createdAt]) =>
      signedQuery(callbackFields(frontPaymentUuid, status, { amount, createdAt })),
    );

    const responses = await sendAll(queries);

    expect(responses.map((r) => [r.statusCode, r.body.duplicate])).toEqual(
      Array(6).fill([200, false]),
    );
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
