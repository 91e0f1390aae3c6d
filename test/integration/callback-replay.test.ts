import { describe, expect, it } from 'vitest';
import { FIRST_SWEEP_DELAY_MS } from '#shared/callbacks/callback-inbox';
import {
  confirmKeptCallbacksNow,
  readStatusChanges,
  useCallbackStack,
} from '../support/callback-fixtures.ts';

const stack = useCallbackStack();

const REPLAYS = 30;

/** Front Payment's details requests the sandbox received since `from` (an index into its calls). */
const detailsCallsSince = (from: number) =>
  stack.sandbox.calls.slice(from).filter((call) => call.path.includes('/reservations/details/'))
    .length;

/**
 * Ways to resend one genuine callback URL that keep its checksum valid: as it is, with a name
 * changed (the checksum signs values, not names), with an empty parameter added.
 */
function replayOf(query: string, n: number): string {
  switch (n % 3) {
    case 0:
      return query;
    case 1:
      return query.replace('paymentMethod=', 'paymentmethod=');
    default:
      return query.replace('&checksum=', '&x=&checksum=');
  }
}

describe('replayed callbacks do not spend Front Payment’s rate limit', () => {
  it(`${REPLAYS} replays of a valid callback: at most one details read per reservation per interval, the changes recorded once`, async () => {
    const { reservationId, reservationUuid } = await stack.createReservation();
    await stack.sandbox.pay(reservationUuid, 'visa');
    const [genuine = ''] = stack.sentQueries(reservationUuid);
    const from = stack.sandbox.calls.length;

    const answers = [];
    for (let n = 0; n < REPLAYS; n += 1) {
      answers.push(await stack.send(replayOf(genuine, n), reservationId));
    }
    const duringReplays = detailsCallsSince(from);
    // The sweeper's next run reads once more for them: a replay may have announced a new change.
    await confirmKeptCallbacksNow(stack, {
      now: () => new Date(Date.now() + FIRST_SWEEP_DELAY_MS + 1_000),
    });
    const detailsCalls = detailsCallsSince(from);

    expect(answers.map((answer) => answer.statusCode)).toEqual(Array(REPLAYS).fill(200));
    expect(duringReplays).toBe(0);
    expect(detailsCalls).toBeLessThanOrEqual(1);
    console.info(
      `details calls per replayed callback: ${detailsCalls}/${REPLAYS} = ${(detailsCalls / REPLAYS).toFixed(3)}`,
    );
    expect(await readStatusChanges(stack.tables, reservationId)).toHaveLength(1);
    expect(stack.events().filter((event) => event.reservationId === reservationId)).toHaveLength(1);
  });

  it('a second change announced within the interval (same query) is still recorded, by the sweeper', async () => {
    const { reservationId, reservationUuid } = await stack.createReservation();
    await stack.sandbox.pay(reservationUuid, 'visa');
    await stack.sandbox.capture(reservationUuid, 400);
    const [, captured = ''] = stack.sentQueries(reservationUuid);
    // A second capture in the same second: documented callbacks carry the order's time and total,
    // so Front Payment's callback for it can be the identical query.
    stack.sandbox.setQuirks({ dropCallbacks: true });
    await stack.sandbox.capture(reservationUuid, 100);

    const answer = await stack.send(captured, reservationId);
    const before = (await readStatusChanges(stack.tables, reservationId)).length;
    await confirmKeptCallbacksNow(stack, {
      now: () => new Date(Date.now() + FIRST_SWEEP_DELAY_MS + 1_000),
    });

    expect(answer).toEqual({ statusCode: 200, body: { received: true, confirmed: false } });
    expect(before).toBe(2);
    expect(
      (await readStatusChanges(stack.tables, reservationId)).map((change) => change.amount),
    ).toEqual([1000, 400, 100]);
  });
});
