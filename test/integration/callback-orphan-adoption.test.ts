import { describe, expect, it } from 'vitest';
import { CALLBACK_NOT_CONFIRMED, ORPHAN_SESSION_ADOPTED } from '#shared/callbacks/callback-log';
import { openShardOf } from '#shared/reservations/open-index';
import {
  callbackFields,
  confirmKeptCallbacksNow,
  readReservation,
  signedQuery,
  useCallbackStack,
} from '../support/callback-fixtures.ts';
import { captureOutput } from '../support/captured-output.ts';
import {
  createForeignSessions,
  createOrphanSession,
  frontPaymentCallsSince,
  seedUnknownOutcome,
} from '../support/session-search.ts';

const stack = useCallbackStack({ extra: () => ({ LOG_LEVEL: 'WARN' }) });
const output = captureOutput();

const adoptionLines = () => output.logs().filter((line) => line.message === ORPHAN_SESSION_ADOPTED);
const eventsOf = (reservationId: string) =>
  stack.events().filter((event) => event.reservationId === reservationId);

describe('a signed callback for a session our record lacks (the orphan)', () => {
  it.each([
    ['its create outcome is unknown', 'SESSION_OUTCOME_UNKNOWN'],
    ['it was settled "not found"', 'SESSION_FAILED'],
  ])(
    'when %s: the session is recorded on the reservation the path names, the payment recorded and published, and the alarm line written',
    async (_name, status) => {
      const reservationId = await seedUnknownOutcome(stack, status);
      const uuid = await createOrphanSession(stack, reservationId);

      // The customer pays the link; Front Payment calls back on our path with our id.
      await stack.sandbox.pay(uuid, 'visa');

      expect(stack.sandbox.callbacks.at(-1)).toMatchObject({
        reservationUuid: uuid,
        statusCode: 200,
      });
      const reservation = await readReservation(stack.tables, reservationId);
      expect(reservation).toMatchObject({
        frontPaymentUuid: uuid,
        status: 'RESERVED',
        // Open again: the reconciler follows it like any other.
        openShard: openShardOf(reservationId),
      });
      expect(reservation).not.toHaveProperty('failure');
      expect(eventsOf(reservationId)).toMatchObject([
        { status: 'RESERVED', amount: 1000, reservationUuid: uuid },
      ]);
      expect(adoptionLines()).toEqual([
        expect.objectContaining({
          level: 'WARN',
          reservationId,
          reservationUuid: uuid,
          previousStatus: status,
        }),
      ]);
    },
  );

  it("is not adopted when Front Payment's details name someone else: 404, kept, nothing recorded", async () => {
    const reservationId = await seedUnknownOutcome(stack);
    const [someoneElses = ''] = await createForeignSessions(stack, 1);
    const callsBefore = stack.sandbox.calls.length;

    // Signed by Front Payment, but for another session; the unsigned path names ours.
    const answer = await stack.send(
      signedQuery(callbackFields(someoneElses, 'RESERVED')),
      reservationId,
    );

    expect(answer.statusCode).toBe(404);
    expect(frontPaymentCallsSince(stack, callsBefore).details).toEqual([someoneElses]);
    const reservation = await readReservation(stack.tables, reservationId);
    expect(reservation).toMatchObject({ status: 'SESSION_OUTCOME_UNKNOWN' });
    expect(reservation).not.toHaveProperty('frontPaymentUuid');
    expect(eventsOf(reservationId)).toEqual([]);
    expect(adoptionLines()).toEqual([]);
  });

  it('details unreadable at the callback: kept (200), then adopted and confirmed by the sweeper', async () => {
    const reservationId = await seedUnknownOutcome(stack);
    const uuid = await createOrphanSession(stack, reservationId);
    // The callback's details read fails once (the sandbox's checkout itself makes no API call).
    stack.sandbox.injectFault({ kind: 'status', statusCode: 500 });

    await stack.sandbox.pay(uuid, 'visa');
    const kept = await readReservation(stack.tables, reservationId);
    const sweep = await confirmKeptCallbacksNow(stack, {
      now: () => new Date(Date.now() + 10 * 60_000),
    });

    expect(stack.sandbox.callbacks.at(-1)).toMatchObject({
      reservationUuid: uuid,
      statusCode: 200,
    });
    expect(output.text()).toContain(CALLBACK_NOT_CONFIRMED);
    expect(kept).not.toHaveProperty('frontPaymentUuid');
    // The kept callback of the test before (someone else's session) stays unconfirmed.
    expect(sweep).toMatchObject({ confirmed: 1, recorded: 1 });
    expect(await readReservation(stack.tables, reservationId)).toMatchObject({
      frontPaymentUuid: uuid,
      status: 'RESERVED',
    });
    expect(eventsOf(reservationId)).toMatchObject([{ status: 'RESERVED', reservationUuid: uuid }]);
  });
});
