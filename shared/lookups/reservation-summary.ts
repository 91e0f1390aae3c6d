import * as v from 'valibot';
import type { ReservationRecord } from '../reservations/reservation-record.ts';

/**
 * One reservation in a `GET /reservations` answer: the reservation item's own fields, without its
 * history and commands (`GET /reservations/{id}` has them), so a page costs one read per item.
 */
export const ReservationSummarySchema = v.object({
  reservationId: v.string(),
  /** Front Payment's `RES…` uuid; null until the checkout session exists. */
  reservationUuid: v.nullable(v.string()),
  referenceNo: v.nullable(v.string()),
  status: v.string(),
  amounts: v.object({ subTotal: v.number(), totalTax: v.number(), grandTotal: v.number() }),
  createdAt: v.string(),
  updatedAt: v.string(),
});

export type ReservationSummary = v.InferOutput<typeof ReservationSummarySchema>;

/** The answer of `GET /reservations`: newest first; `nextCursor` is null on the last page. */
export const FoundReservationsSchema = v.object({
  reservations: v.array(ReservationSummarySchema),
  nextCursor: v.nullable(v.string()),
});

export type FoundReservations = v.InferOutput<typeof FoundReservationsSchema>;

export function summaryOf(record: ReservationRecord): ReservationSummary {
  return {
    reservationId: record.reservationId,
    reservationUuid: record.frontPaymentUuid ?? null,
    referenceNo: record.referenceNo ?? null,
    status: record.status,
    amounts: {
      subTotal: record.amounts.subTotal,
      totalTax: record.amounts.totalTax,
      grandTotal: record.amounts.grandTotal,
    },
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}
