import type {
  ReservationState,
  StatusChangeRepository,
} from '../callbacks/status-change-repository.ts';
import { ReservationNotFoundError, ReservationStateConflictError } from '../errors.ts';

export type ReservationFinder = Pick<StatusChangeRepository, 'findReservationById'>;
export type OwnedReservation = ReservationState & { readonly frontPaymentUuid: string };

/**
 * The merchant's reservation with its Front Payment uuid. A reservation belongs to the merchant
 * (this stack), not to the principal that created it: whoever the route's authorizer lets through
 * may act on it (IAM grants and JWT scopes decide who that is), so a task of the same role, or a
 * back office, captures what a web task created. One without a checkout session has nothing at
 * Front Payment to act on (409).
 */
export async function findOwnedReservation(
  reservationId: string,
  finder: ReservationFinder,
): Promise<OwnedReservation> {
  const reservation = await finder.findReservationById(reservationId);
  if (!reservation)
    throw new ReservationNotFoundError(`No reservation ${reservationId}`, reservationId);
  const { frontPaymentUuid } = reservation;
  if (!frontPaymentUuid) {
    throw new ReservationStateConflictError(
      'no-session',
      `Reservation ${reservationId} has no checkout session at Front Payment`,
    );
  }
  return { ...reservation, frontPaymentUuid };
}
