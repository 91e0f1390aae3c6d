import { IntegrationError } from '../errors.ts';

/**
 * Other writers kept changing the reservation while we tried to record a change; every try lost
 * the optimistic lock. Nothing was recorded, so the sender should try again.
 */
export class StatusChangeConflictError extends IntegrationError {
  override readonly name = 'StatusChangeConflictError';
}

/** More than one reservation carries the same Front Payment uuid: we cannot tell which one. */
export class AmbiguousReservationError extends IntegrationError {
  override readonly name = 'AmbiguousReservationError';
}

/** A reservation item lacks the fields a status change needs (status, statusRank, version). */
export class MalformedReservationError extends IntegrationError {
  override readonly name = 'MalformedReservationError';
}
