import * as v from 'valibot';
import { frontPaymentTime } from './reservation-details.ts';

/**
 * One entry of `GET reservations/history/{start}/{end}`: an event of some reservation. We keep
 * its reservation uuid, its title and its time; `datetime` has no zone (read as Oslo time) and
 * other fields (amounts as strings, payment method) are not needed to find a reservation.
 */
const HistoryEntrySchema = v.pipe(
  v.looseObject({
    uuid: v.pipe(v.string(), v.nonEmpty()),
    title: v.optional(v.nullable(v.string()), null),
    datetime: v.optional(v.nullable(v.union([v.string(), v.number()])), null),
  }),
  v.transform((entry) => ({
    reservationUuid: entry.uuid,
    title: entry.title ?? '',
    at: entry.datetime === null ? null : frontPaymentTime(entry.datetime),
  })),
);

/** A list, or (seen in other Front Payment answers) an object keyed by index. */
export const ReservationHistorySchema = v.pipe(
  v.union([v.array(v.unknown()), v.record(v.string(), v.unknown()), v.null()]),
  v.transform((data) => (data === null ? [] : Array.isArray(data) ? data : Object.values(data))),
  v.array(HistoryEntrySchema),
);
export type ReservationHistoryEntry = v.InferOutput<typeof HistoryEntrySchema>;
