import * as v from 'valibot';
import { toCents } from '../money.ts';
import { frontPaymentTime } from './reservation-details.ts';

/**
 * One entry of `GET reservations/history/{start}/{end}`: an event of some reservation. We keep
 * its reservation uuid, its title, its time (`datetime` has no zone: read as Oslo time; text that
 * names no real moment is null), its amount in cents (Front Payment writes it as a string, e.g.
 * `"300.40"`; null when absent or not a number) and its payment method (a card brand such as
 * `Visa`, no card number; null when absent).
 */
const HistoryEntrySchema = v.pipe(
  v.looseObject({
    uuid: v.pipe(v.string(), v.nonEmpty()),
    title: v.optional(v.nullable(v.string()), null),
    datetime: v.optional(v.nullable(v.union([v.string(), v.number()])), null),
    amount: v.optional(v.nullable(v.union([v.string(), v.number()])), null),
    // Read leniently: an odd value must not cost the reconciler's search its history.
    paymentMethod: v.optional(v.unknown()),
  }),
  v.transform((entry) => ({
    reservationUuid: entry.uuid,
    title: entry.title ?? '',
    at: entry.datetime === null ? null : frontPaymentTime(entry.datetime),
    amountCents: centsOf(entry.amount),
    paymentMethod:
      typeof entry.paymentMethod === 'string' ? entry.paymentMethod.trim() || null : null,
  })),
);

/** `"100.00"` or `100` in øre; null for anything else (a refund without an amount is not read). */
function centsOf(amount: string | number | null): number | null {
  const text = typeof amount === 'number' ? String(amount) : (amount ?? '').trim();
  return /^\d+(\.\d{1,2})?$/.test(text) ? toCents(Number(text)) : null;
}

/** A list, or (seen in other Front Payment answers) an object keyed by index. */
export const ReservationHistorySchema = v.pipe(
  v.union([v.array(v.unknown()), v.record(v.string(), v.unknown()), v.null()]),
  v.transform((data) => (data === null ? [] : Array.isArray(data) ? data : Object.values(data))),
  v.array(HistoryEntrySchema),
);
export type ReservationHistoryEntry = v.InferOutput<typeof HistoryEntrySchema>;
