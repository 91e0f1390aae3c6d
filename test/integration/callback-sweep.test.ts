import { describe, expect, it } from 'vitest';
import { FIRST_SWEEP_DELAY_MS, MAX_UNMATCHED_TRIES } from '#shared/callbacks/callback-inbox';
import { UNMATCHED_CALLBACK_SET_ASIDE } from '#shared/callbacks/callback-log';
import { readReservations } from '../../infra/local/console/reservation-history.ts';
import {
  callbackFields,
  confirmKeptCallbacksNow,
  frontPaymentStyleUuid,
  readInboxItem,
  signedQuery,
  useCallbackStack,
} from '../support/callback-fixtures.ts';
import { collectingLog } from '../support/outbox-sweeper.ts';

// The tests below run in order on one table: the first needs it free of older kept callbacks.
const stack = useCallbackStack();

const HOUR_MS = 3_600_000;

/** Sends `count` signed callbacks for reservations nobody knows: each is kept, answered 404. */
async function keepUnmatched(count: number): Promise<string[]> {
  const queries: string[] = [];
  for (let n = 0; n < count; n += 1) {
    const query = signedQuery(callbackFields(frontPaymentStyleUuid(), 'RESERVED'));
    expect((await stack.send(query)).statusCode).toBe(404);
    queries.push(query);
  }
  return queries;
}

describe('the sweeper lists only kept callbacks that are due, page after page', () => {
  it('60 unmatched kept callbacks: all tried in one run, and a genuine one kept after them is confirmed in the next run', async () => {
    await keepUnmatched(60);
    const firstRunAt = Date.now() + FIRST_SWEEP_DELAY_MS + 1_000;
    const first = await confirmKeptCallbacksNow(stack, { now: () => new Date(firstRunAt) });

    // Details fail when the genuine callback arrives: kept for the sweeper.
    const { reservationId, reservationUuid } = await stack.createReservation();
    stack.sandbox.injectFault({ kind: 'status', statusCode: 500 });
    await stack.sandbox.pay(reservationUuid, 'visa');
    const [query = ''] = stack.sentQueries(reservationUuid);
    expect((await readInboxItem(stack.tables, reservationId, query))?.outbox).toBe(
      'UNCONFIRMED_CALLBACK',
    );
    // The next run: the genuine callback's first wait is over, the unmatched ones' second is not.
    const next = await confirmKeptCallbacksNow(stack, {
      now: () => new Date(Math.max(Date.now() + FIRST_SWEEP_DELAY_MS + 1_000, firstRunAt + 1_000)),
    });

    expect(first).toMatchObject({ claimed: 60, confirmed: 0 });
    expect(next).toMatchObject({ claimed: 1, confirmed: 1, recorded: 1 });
    expect((await readInboxItem(stack.tables, reservationId, query))?.outbox).toBeUndefined();
    expect(stack.events().filter((event) => event.reservationId === reservationId)).toMatchObject([
      { status: 'RESERVED' },
    ]);
  });
});

describe('an unmatched callback is tried a bounded number of times, then set aside', () => {
  it(`after ${MAX_UNMATCHED_TRIES} tries: kept, no longer listed, one alarm line, shown in the console`, async () => {
    const [query = ''] = await keepUnmatched(1);
    const orderUuid = new URLSearchParams(query).get('orderUuid');
    const log = collectingLog();
    const claims: number[] = [];

    // Each sweep two hours after the last: past any backoff, so every due try is taken.
    for (let sweep = 1; sweep <= MAX_UNMATCHED_TRIES + 2; sweep += 1) {
      const at = Date.now() + sweep * 2 * HOUR_MS;
      const result = await confirmKeptCallbacksNow(stack, { now: () => new Date(at), log });
      claims.push(result.claimed);
    }

    const item = await readInboxItem(stack.tables, null, query);
    expect(item).toMatchObject({
      rawQueryString: query,
      attempts: MAX_UNMATCHED_TRIES,
      outbox: 'UNMATCHED_CALLBACK',
    });
    expect(item).not.toHaveProperty('nextAttemptAt');
    const setAside = log.entries.filter(
      (entry) =>
        entry.message === UNMATCHED_CALLBACK_SET_ASIDE &&
        entry.attributes.reservationUuid === orderUuid,
    );
    expect(setAside).toMatchObject([
      { level: 'error', attributes: { attempts: MAX_UNMATCHED_TRIES } },
    ]);
    // The callback itself was the first try; the sweeper made the rest, then listed it no more.
    expect(claims.at(-1)).toBe(0);
    const console = await readReservations(stack.tables.documents, stack.tables.names.reservations);
    expect(console.unmatchedCallbacks.find((c) => c.orderUuid === orderUuid)).toMatchObject({
      setAside: true,
      tries: MAX_UNMATCHED_TRIES,
    });
  });
});
