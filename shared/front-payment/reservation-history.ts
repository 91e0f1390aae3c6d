import * as v from 'valibot';
import { frontPaymentTime } from './reservation-details.ts';

/**
 * One entry of `GET reservations/history/{start}/{end}`: an event of some reservation. We keep
 * its reservation uuid, its title, its time (`datetime` has no zone: read as Oslo time) and its
 * amount in cents (Front Payment writes it as a string, e.g. `"300.40"`; null when absent or not
 * a number). Other fields (payment method) are not needed.
 */
const HistoryEntrySchema = v.pipe(
  v.looseObject({
    uuid: v.pipe(v.string(), v.nonEmpty()),
    title: v.optional(v.nullable(v.string()), null),
    datetime: v.optional(v.nullable(v.union([v.string(), v.number()])), null),
    amount: v.optional(v.nullable(v.union([v.string(), v.number()])), null),
  }),
  v.transform((entry) => ({
    reservationUuid: entry.uuid,
    title: entry.title ?? '',
    at: entry.datetime === null ? null : frontPaymentTime(entry.datetime),
    amountCents: centsOf(entry.amount),
  })),
);

/** A list, or (seen in other Front Payment answers) an object keyed by index. */
export const ReservationHistorySchema = v.pipe(
  v.union([v.array(v.unknown()), v.record(v.string(), v.unknown()), v.null()]),
  v.transform((data) => (data === null ? [] : Array.isArray(data) ? data : Object.values(data))),
  v.array(HistoryEntrySchema),
);
export type ReservationHistoryEntry = v.InferOutput<typeof HistoryEntrySchema>;

/** `"300.40"`, `300.4` or `"300"` as 30040 cents; null for anything that is not an amount. */
function centsOf(amount: string | number | null): number | null {
  if (amount === null) return null;
  const text = String(amount).trim();
  if (!/^\d+(\.\d+)?$/.test(text)) return null;
  return Math.round(Number(text) * 100);
}
