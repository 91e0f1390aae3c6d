import { describe, expect, it } from 'vitest';
import { FIRST_SWEEP_DELAY_MS } from '#shared/callbacks/callback-inbox';
import { hasValidChecksum, parseRawQuery } from '#shared/front-payment/callback-checksum';
import {
  CALLBACK_SECRET,
  confirmKeptCallbacksNow,
  epochSeconds,
  readReservation,
  readStatusChanges,
  signedQuery,
  useCallbackStack,
} from '../support/callback-fixtures.ts';

const stack = useCallbackStack();

/**
 * Rewrites a genuinely signed query the way an attacker holding it could: the checksum is the
 * values joined with no separator and does not sign names, so each rewrite keeps it valid.
 */
function forge(genuine: string, from: string, to: string): string {
  if (!genuine.includes(from)) throw new Error(`${from} is not in the query`);
  const forged = genuine.replace(from, to);
  // The premise of every case: the forgery still carries a valid checksum.
  expect(hasValidChecksum(parseRawQuery(forged), CALLBACK_SECRET)).toBe(true);
  return forged;
}

/** Swaps the names of two parameters, leaving every value where it was. */
function swapNames(genuine: string, first: string, second: string): string {
  return forge(
    genuine,
    genuine,
    genuine
      .replace(`${first}=`, '\u0000=')
      .replace(`${second}=`, `${first}=`)
      .replace('\u0000=', `${second}=`),
  );
}

/** A reservation reserved and captured at the sandbox, and its genuine capture callback. */
async function genuineCallback() {
  const reservation = await stack.createReservation();
  await stack.sandbox.pay(reservation.reservationUuid, 'visa');
  await stack.sandbox.capture(reservation.reservationUuid, 400);
  const [, query = ''] = stack.sentQueries(reservation.reservationUuid);
  return { ...reservation, query };
}

/*
 * Since Front Payment's details are the truth, a rewritten callback that keeps its checksum can
 * only make us read the details again: whatever it claims, nothing new is recorded or published.
 * It carries the genuine one's checksum, so it is a repeat of it: within the details read
 * interval it is kept for the sweeper, whose read records nothing new either.
 */
describe('callbacks rewritten from a genuine one keep a valid checksum and change nothing', () => {
  it.each([
    [
      'a value split into a new parameter',
      (q: string) => forge(q, 'amount=1000', 'amount=1&x=000'),
    ],
    [
      'characters moved into the previous value',
      (q: string) => forge(q, 'paymentMethod=Visa&amount=1000', 'paymentMethod=Visa1&amount=000'),
    ],
    [
      'an epoch split into a new parameter',
      (q: string) => {
        const createdAt = /createdAt=(\d+)/.exec(q)?.[1] ?? '';
        return forge(
          q,
          `createdAt=${createdAt}`,
          `createdAt=${createdAt.slice(0, 5)}&y=${createdAt.slice(5)}`,
        );
      },
    ],
    [
      'the names of createdAt and timestamp swapped',
      (q: string) => swapNames(q, 'createdAt', 'timestamp'),
    ],
    [
      'a status word swapped with the payment method',
      (q: string) => swapNames(q, 'status', 'paymentMethod'),
    ],
  ])('%s: nothing new recorded or published', async (_case, rewrite) => {
    const { reservationId, query } = await genuineCallback();
    const recorded = await readStatusChanges(stack.tables, reservationId);
    const events = stack.events();

    const response = await stack.send(rewrite(query), reservationId);
    await confirmKeptCallbacksNow(stack, {
      now: () => new Date(Date.now() + FIRST_SWEEP_DELAY_MS + 1_000),
    });

    expect(response).toEqual({ statusCode: 200, body: { received: true, confirmed: false } });
    expect(await readStatusChanges(stack.tables, reservationId)).toEqual(recorded);
    expect((await readReservation(stack.tables, reservationId)).version).toBe(4);
    expect(stack.events()).toEqual(events);
  });

  it('refuses a rewrite that breaks the checksum', async () => {
    const { reservationId, query } = await genuineCallback();

    const response = await stack.send(
      query.replace('status=CAPTURED', 'status=CHARGED'),
      reservationId,
    );

    expect(response).toEqual({ statusCode: 403, body: { message: 'Forbidden' } });
  });
});

describe('genuine callbacks in either documented order', () => {
  it("confirms one in the documentation example's order (paymentMethod and amount first)", async () => {
    const { reservationId, reservationUuid } = await stack.createReservation();
    stack.sandbox.setQuirks({ reverseCallbackOrder: true });
    await stack.sandbox.pay(reservationUuid, 'visa');
    const now = epochSeconds();
    const query = signedQuery([
      ['orderUuid', reservationUuid],
      ['status', 'Reserved'],
      ['paymentMethod', 'Visa'],
      ['amount', '1000'],
      ['createdAt', now],
      ['timestamp', now],
    ]);

    const response = await stack.send(query, reservationId);

    expect(response).toEqual({
      statusCode: 200,
      body: { received: true, confirmed: true, duplicate: false },
    });
    expect(await readStatusChanges(stack.tables, reservationId)).toMatchObject([
      { status: 'RESERVED', amount: 1000 },
    ]);
  });
});
