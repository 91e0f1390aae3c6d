import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { movementsOf } from '#shared/front-payment/history-movements';
import { ReservationHistorySchema } from '#shared/front-payment/reservation-history';

/** As Front Payment's history answers: amounts as strings, zone-less Oslo wall-clock times. */
const history = v.parse(ReservationHistorySchema, [
  {
    uuid: 'RES1',
    title: 'amount-captured-from-reservation',
    datetime: '21.01.2024 04:00',
    amount: '800.00',
  },
  {
    uuid: 'RES1',
    title: 'refund-sent-from-captured',
    datetime: '21.01.2024 04:10',
    amount: '300.40',
  },
  {
    uuid: 'RES2',
    title: 'refund-sent-from-captured',
    datetime: '21.01.2024 04:11',
    amount: '300.40',
  },
  { uuid: 'RES1', title: 'refund-sent-from-charged', datetime: '21.01.2024 04:05', amount: 120.4 },
  {
    uuid: 'RES1',
    title: 'payment-link-sent-to-customer',
    datetime: '21.01.2024 03:00',
    amount: '1370.00',
  },
  { uuid: 'RES1', title: 'refund-sent-from-captured', datetime: '21.01.2024 04:12', amount: 'n/a' },
]);

describe('movements of one reservation in Front Payment’s history', () => {
  it('keeps its captures, charges and refunds in cents, oldest first, read as Oslo time', () => {
    expect(movementsOf(history, 'RES1')).toEqual([
      { kind: 'captured', amountCents: 80000, at: '2024-01-21T03:00:00.000Z' },
      { kind: 'refunded-from-charged', amountCents: 12040, at: '2024-01-21T03:05:00.000Z' },
      { kind: 'refunded-from-captured', amountCents: 30040, at: '2024-01-21T03:10:00.000Z' },
    ]);
  });

  it('compares amounts in cents: 300.4 and "300.40" are the same refund amount', () => {
    const [entry] = v.parse(ReservationHistorySchema, [
      { uuid: 'RES1', title: 'refund-sent-from-captured', datetime: 1705806000, amount: 300.4 },
    ]);
    expect(entry?.amountCents).toBe(30040);
  });
});
