import { describe, expect, it } from 'vitest';
import { hasValidChecksum, parseRawQuery } from '#shared/front-payment/callback-checksum';
import {
  CALLBACK_SECRET,
  epochSeconds,
  readReservation,
  readStatusChanges,
  seedReservation,
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

/** A genuine callback whose change happened a minute before it was sent, as usual. */
async function genuineCallback(status = 'Captured', paymentMethod = 'Visa') {
  const reservation = await seedReservation(stack.tables);
  const sentAt = Date.now();
  const query = signedQuery([
    ['orderUuid', reservation.frontPaymentUuid],
    ['status', status],
    ['createdAt', epochSeconds(new Date(sentAt - 60_000))],
    ['paymentMethod', paymentMethod],
    ['amount', '1000'],
    ['timestamp', epochSeconds(new Date(sentAt))],
  ]);
  return { ...reservation, query };
}

describe('callbacks rewritten from a genuine one keep a valid checksum and are refused', () => {
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
  ])('%s: 403 Forbidden, nothing new recorded or published', async (_case, rewrite) => {
    const { reservationId, query } = await genuineCallback();
    expect((await stack.send(query)).statusCode).toBe(200);
    const recorded = await readStatusChanges(stack.tables, reservationId);

    const response = await stack.send(rewrite(query));

    expect(response).toEqual({ statusCode: 403, body: { message: 'Forbidden' } });
    expect(await readStatusChanges(stack.tables, reservationId)).toEqual(recorded);
    expect((await readReservation(stack.tables, reservationId)).version).toBe(3);
    expect(stack.bridge.events).toHaveLength(1);
  });

  it('refuses a payment method that is a status word swapped with the status', async () => {
    const { reservationId, query } = await genuineCallback('Captured', 'Paid');

    const response = await stack.send(swapNames(query, 'status', 'paymentMethod'));

    expect(response).toEqual({ statusCode: 403, body: { message: 'Forbidden' } });
    expect(await readStatusChanges(stack.tables, reservationId)).toEqual([]);
  });
});

describe('genuine callbacks in either documented order', () => {
  it("records one in the documentation example's order (paymentMethod and amount first)", async () => {
    const { reservationId, frontPaymentUuid } = await seedReservation(stack.tables);
    const now = epochSeconds();
    const query = signedQuery([
      ['orderUuid', frontPaymentUuid],
      ['status', 'Reserved'],
      ['paymentMethod', 'Visa'],
      ['amount', '100'],
      ['createdAt', now],
      ['timestamp', now],
    ]);

    const response = await stack.send(query);

    expect(response).toEqual({ statusCode: 200, body: { received: true, duplicate: false } });
    expect(await readStatusChanges(stack.tables, reservationId)).toMatchObject([
      { status: 'RESERVED', amount: 100, createdAt: now, paymentMethod: 'Visa' },
    ]);
  });
});
