import { osloWallClock } from './reservation-details.ts';
import type { SandboxHistoryEntry, SandboxReservation } from './types.ts';

/**
 * The `data` of `GET reservations/history/{start}/{end}`: every event of every reservation
 * between `start` and `end` (unix seconds, both included), oldest first, in Front Payment's
 * shape: the reservation's uuid, a title, `datetime` as Norwegian wall-clock text without a zone,
 * and `amount` as a string. Nothing names our reservation: a client finds its own through
 * `details` (`customerReference`).
 */
export function reservationHistory(
  reservations: readonly SandboxReservation[],
  startSeconds: number,
  endSeconds: number,
) {
  const from = startSeconds * 1000;
  const to = endSeconds * 1000 + 999;
  return reservations
    .flatMap((reservation) =>
      reservation.history.map((entry) => ({ reservation, entry, at: Date.parse(entry.at) })),
    )
    .filter(({ at }) => at >= from && at <= to)
    .sort((a, b) => a.at - b.at)
    .map(({ reservation, entry }) => ({
      uuid: reservation.reservationUuid,
      title: titleOf(entry),
      datetime: osloWallClock(entry.at),
      paymentMethod: entry.paymentMethod ?? reservation.paymentMethod ?? null,
      isRefundable: entry.status === 'CAPTURED' || entry.status === 'CHARGED',
      amount: entry.amount.toFixed(2),
    }));
}

/**
 * The titles Front Payment's history uses; `payment-declined`, `reservation-cancelled` and
 * `payment-link-expired` are our guess (the documentation shows none of them).
 */
function titleOf(entry: SandboxHistoryEntry): string {
  switch (entry.status) {
    case 'SENT':
      return 'payment-link-sent-to-customer';
    case 'RESERVED':
      return 'amount-reserved';
    case 'CAPTURED':
      return 'amount-captured-from-reservation';
    case 'CHARGED':
      return 'amount-charged-from-card';
    case 'REFUNDED':
      return entry.reference?.startsWith('CHA')
        ? 'refund-sent-from-charged'
        : 'refund-sent-from-captured';
    case 'DECLINED':
      return 'payment-declined';
    case 'COMPLETED':
      return 'reservation-completed';
    case 'CANCELLED':
      return 'reservation-cancelled';
    case 'EXPIRED':
      return 'payment-link-expired';
  }
}
