import type { ReservationDetails } from '../front-payment/reservation-details.ts';
import { toCents } from '../money.ts';

/** What Front Payment's details show captured or charged and not refunded yet, in øre. */
export function leftToRefundCents(details: ReservationDetails): number {
  return (
    toCents(details.capturedAmount) +
    toCents(details.chargedAmount) -
    toCents(details.refundedFromCaptured) -
    toCents(details.refundedFromCharge)
  );
}

/**
 * A completed reservation with money left to refund stays in the reconciler's index: refunds
 * after the guest has left are allowed, and one made in Front Payment's portal sends no callback.
 * The reconciler bounds how long it keeps watching (docs/reconciler.md).
 */
export function watchesRefunds(details: ReservationDetails): boolean {
  return details.status.trim().toUpperCase() === 'COMPLETED' && leftToRefundCents(details) > 0;
}
