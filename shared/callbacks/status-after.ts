import {
  isFinalStatus,
  type PaymentStatus,
  rankOfStatus,
  type StatusTransition,
} from './payment-status.ts';

/**
 * What a reservation's status is after a change: what Front Payment's details say it is now
 * (`reported`; the amounts stand beside it), not a rank of the change's kind. So a partial refund
 * leaves a captured reservation `CAPTURED`, and a capture after a refund is an ordinary movement.
 * - A final status (COMPLETED, EXPIRED, CANCELLED) stays: money refunded after it does not reopen
 *   the reservation. A change that ends the reservation is its own status.
 * - The details tell only the status after all the changes one read shows (`last`). The changes
 *   before the last one take their own kind, except a refund, which keeps the status it found;
 *   so does the last one when the details' word is unknown or says the reservation ended.
 */
export function statusAfter(
  current: { readonly status: string; readonly statusRank: number },
  change: PaymentStatus,
  reported: PaymentStatus | undefined,
  last: boolean,
): StatusTransition {
  const status = nextStatus(current.status, change, last ? reported : undefined);
  return { status, statusRank: rankOfStatus(status), advanced: status !== current.status };
}

function nextStatus(
  current: string,
  change: PaymentStatus,
  reported: PaymentStatus | undefined,
): string {
  if (isFinalStatus(current)) return current;
  if (isFinalStatus(change)) return change;
  if (reported && !isFinalStatus(reported)) return reported;
  const paid = rankOfStatus(current) > 0;
  return change === 'REFUNDED' && paid ? current : change;
}
