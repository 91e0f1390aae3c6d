import { FrontPaymentRejectedError } from '../errors.ts';
import { SESSION_STATUSES } from '../reservations/reservation-status.ts';
import type { StructuredLog } from '../structured-log.ts';
import type { KeptCallback } from './callback-inbox.ts';
import {
  CALLBACK_AGE_FIELD,
  CALLBACK_NOT_CONFIRMED,
  ORPHAN_SESSION_ADOPTED,
} from './callback-log.ts';
import type { ReservationDetailsReader } from './confirm-with-front-payment.ts';
import type { ReservationState, StatusChangeRepository } from './status-change-repository.ts';

/** Statuses of a reservation whose create may have left a session we never recorded. */
const ORPHAN_STATUSES: ReadonlySet<string> = new Set([
  SESSION_STATUSES.sessionOutcomeUnknown,
  SESSION_STATUSES.sessionFailed,
  SESSION_STATUSES.creating,
]);

export interface OrphanAdoptionDependencies {
  readonly repository: Pick<StatusChangeRepository, 'adoptSession'>;
  readonly details: ReservationDetailsReader;
  readonly log: StructuredLog;
  readonly now?: () => Date;
}

export type OrphanAdoption =
  /** Not an orphan's callback (or not ours): go on with the reservation as found. */
  | { readonly kind: 'not-orphan' }
  /** Its session is now recorded on the reservation: confirm the callback against it. */
  | { readonly kind: 'adopted'; readonly reservation: ReservationState }
  /** Details unreadable, or the record not adoptable now: kept, tried again by the sweeper. */
  | { readonly kind: 'unavailable' };

/**
 * The orphan: a create whose outcome we did not learn (or settled as failed) made a session
 * after all, and the customer paid it. Its callback carries our id in the path and Front
 * Payment's uuid signed in the query, but our record has no uuid to match. The path is not
 * signed, so it is believed only when Front Payment's details of the signed uuid name our
 * reservation as `customerReference`; then the uuid is recorded on it (and alarmed), and the
 * callback is confirmed as any other instead of being unmatched forever.
 */
export async function adoptOrphanSession(
  callback: KeptCallback,
  reservation: ReservationState | undefined,
  dependencies: OrphanAdoptionDependencies,
  options: { readonly detailsTimeoutMs?: number } = {},
): Promise<OrphanAdoption> {
  const reservationUuid = callback.reservationUuid;
  const orphan =
    reservation !== undefined &&
    reservationUuid !== null &&
    callback.reservationId === reservation.reservationId &&
    reservation.frontPaymentUuid === undefined &&
    ORPHAN_STATUSES.has(reservation.status);
  if (!orphan) return { kind: 'not-orphan' };

  const now = dependencies.now ?? (() => new Date());
  const notConfirmed = (errorName: string, more: Record<string, unknown> = {}): OrphanAdoption => {
    dependencies.log.warn(CALLBACK_NOT_CONFIRMED, {
      reservationId: callback.reservationId,
      reservationUuid,
      attempts: callback.attempts,
      [CALLBACK_AGE_FIELD]: Math.max(
        0,
        Math.round((now().getTime() - Date.parse(callback.receivedAt)) / 1000),
      ),
      errorName,
      ...more,
    });
    return { kind: 'unavailable' };
  };
  let customerReference: string | null;
  try {
    const details = await dependencies.details.getReservationDetails(
      reservationUuid,
      options.detailsTimeoutMs === undefined ? {} : { timeoutMs: options.detailsTimeoutMs },
    );
    if (details.reservationUuid !== reservationUuid) {
      return notConfirmed('DetailsOfAnotherReservation');
    }
    customerReference = details.customerReference;
  } catch (error) {
    return notConfirmed(
      error instanceof Error ? error.name : 'UnknownError',
      error instanceof FrontPaymentRejectedError ? { rejected: true } : {},
    );
  }
  if (customerReference !== reservation.reservationId) return { kind: 'not-orphan' };

  const adopted = await dependencies.repository.adoptSession(
    reservation.reservationId,
    reservationUuid,
    now(),
  );
  // Not adoptable now: another writer recorded a session meanwhile, or a create is still
  // running. Kept: the sweeper confirms it later against whatever the record then says.
  if (!adopted) return notConfirmed('ReservationNotAdoptable');
  dependencies.log.warn(ORPHAN_SESSION_ADOPTED, {
    reservationId: reservation.reservationId,
    reservationUuid,
    previousStatus: reservation.status,
  });
  return { kind: 'adopted', reservation: adopted };
}
