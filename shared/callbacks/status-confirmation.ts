import { FrontPaymentRejectedError } from '../errors.ts';
import { normalisePaymentStatus, type PaymentStatus, rankOfStatus } from './payment-status.ts';

/**
 * The one Front Payment call confirmation needs; `createFrontPaymentClient` in
 * `shared/front-payment/front-payment-client.ts` provides it (GET reservations/details/{uuid}).
 */
export interface ReservationDetailsReader {
  getReservationDetails(reservationUuid: string): Promise<{ readonly status: string }>;
}

export type ConfirmationResult =
  | { readonly confirmed: true }
  /** Front Payment's own view is behind the callback, or it does not know the reservation. */
  | { readonly confirmed: false; readonly frontPaymentStatus: string | null };

/**
 * Front Payment recommends checking a callback against its API before acting on it. The callback
 * is confirmed when Front Payment's current status ranks at least as high as the reported one
 * (a reservation already CHARGED confirms a late RESERVED). Transport failures and a refused
 * token are thrown: that is "cannot tell yet", not "no".
 */
export async function confirmStatus(
  reader: ReservationDetailsReader,
  orderUuid: string,
  status: PaymentStatus,
): Promise<ConfirmationResult> {
  let details: { readonly status: string };
  try {
    details = await reader.getReservationDetails(orderUuid);
  } catch (error) {
    if (error instanceof FrontPaymentRejectedError) {
      return { confirmed: false, frontPaymentStatus: null };
    }
    throw error;
  }
  const current = normalisePaymentStatus(details.status);
  if (current && current.rank >= rankOfStatus(status)) return { confirmed: true };
  return { confirmed: false, frontPaymentStatus: details.status };
}
