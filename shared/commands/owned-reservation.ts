import type {
  ReservationState,
  StatusChangeRepository,
} from '../callbacks/status-change-repository.ts';
import { ReservationNotFoundError, ReservationStateConflictError } from '../errors.ts';

export type ReservationFinder = Pick<StatusChangeRepository, 'findReservationById'>;
export type OwnedReservation = ReservationState & { readonly frontPaymentUuid: string };

/**
 * The caller's reservation with its Front Payment uuid. Another caller's reservation answers
 * exactly as an unknown one (404), so ids cannot be probed; one without a checkout session has
 * nothing at Front Payment to act on (409).
 */
export async function findOwnedReservation(
  reservationId: string,
  caller: string,
  finder: ReservationFinder,
): Promise<OwnedReservation> {
  const reservation = await finder.findReservationById(reservationId);
  if (!reservation || reservation.owner !== caller) {
    throw new ReservationNotFoundError(`No reservation ${reservationId}`);
  }
  const { frontPaymentUuid } = reservation;
  if (!frontPaymentUuid) {
    throw new ReservationStateConflictError(
      'no-session',
      `Reservation ${reservationId} has no checkout session at Front Payment`,
    );
  }
  return { ...reservation, frontPaymentUuid };
}
