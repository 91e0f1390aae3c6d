import { FrontPaymentRejectedError } from '../errors.ts';
import type { ReservationDetails } from '../front-payment/reservation-details.ts';
import type { StructuredLog } from '../structured-log.ts';
import type { CallbackInbox, KeptCallback } from './callback-inbox.ts';
import {
  CALLBACK_AGE_FIELD,
  CALLBACK_NOT_CONFIRMED,
  UNMATCHED_CALLBACK_KEPT,
} from './callback-log.ts';
import { adoptOrphanSession } from './orphan-session.ts';
import type {
  RecordedChanges,
  ReservationState,
  StatusChangeRepository,
} from './status-change-repository.ts';

/** The one Front Payment call confirmation needs (`front-payment-client.ts` provides it). */
export interface ReservationDetailsReader {
  getReservationDetails(
    reservationUuid: string,
    options?: { readonly timeoutMs?: number },
  ): Promise<ReservationDetails>;
}

export interface ConfirmationDependencies {
  readonly repository: StatusChangeRepository;
  readonly inbox: Pick<CallbackInbox, 'confirmation'>;
  readonly details: ReservationDetailsReader;
  readonly log: StructuredLog;
  readonly now?: () => Date;
}

export type ConfirmationOutcome =
  /** The details were read and every change they show is recorded; `records` are the new ones. */
  | {
      readonly kind: 'confirmed';
      readonly reservationId: string;
      readonly recorded: RecordedChanges;
    }
  /** No reservation of ours matches: kept unconfirmed, so a later try may still find it. */
  | { readonly kind: 'unmatched' }
  /** Front Payment's details could not be read (or do not know the reservation yet). */
  | { readonly kind: 'unavailable' }
  /** Not read now: `mayReadDetails` said no (read for this reservation moments ago). */
  | { readonly kind: 'throttled' };

/**
 * Confirms a kept callback: finds our reservation, reads Front Payment's details of it (the only
 * truth about what changed: the callback says only that something did), records every change
 * not recorded before and marks the callback confirmed, in one transaction. Nothing from the
 * callback's own fields is recorded, so fields a legacy checksum formula does not sign are never
 * trusted. DynamoDB failures are thrown (nothing was recorded); Front Payment failures are an
 * `unavailable` outcome, logged with the callback's age for the alarm.
 */
export async function confirmWithFrontPayment(
  callback: KeptCallback,
  dependencies: ConfirmationDependencies,
  options: {
    readonly detailsTimeoutMs?: number;
    /** The kept callback is confirmed already (a repeated delivery): nothing to mark. */
    readonly alreadyConfirmed?: boolean;
    /** Asked right before Front Payment's details are read (`details-read-gate.ts`). */
    readonly mayReadDetails?: (reservationId: string) => Promise<boolean>;
  } = {},
): Promise<ConfirmationOutcome> {
  const { log, repository } = dependencies;
  const now = dependencies.now ?? (() => new Date());
  const found = await findReservation(callback, repository);
  // An orphan session (our id as its customerReference, not on our record) is recorded first.
  const adoption = await adoptOrphanSession(callback, found, dependencies, options);
  if (adoption.kind === 'unavailable') return { kind: 'unavailable' };
  const reservation = adoption.kind === 'adopted' ? adoption.reservation : found;
  const reservationUuid = reservation?.frontPaymentUuid;
  if (!reservation || !reservationUuid || isMismatch(callback, reservationUuid)) {
    log.warn(UNMATCHED_CALLBACK_KEPT, {
      reservationId: callback.reservationId,
      reservationUuid: callback.reservationUuid,
      // Only when the reservation is known but not linked to Front Payment yet (a race with
      // create-session) does a later try help; it is retried either way.
      linked: Boolean(reservationUuid),
    });
    logNotConfirmed(log, callback, now(), { errorName: 'NoMatchingReservation' });
    return { kind: 'unmatched' };
  }

  if (options.mayReadDetails && !(await options.mayReadDetails(reservation.reservationId))) {
    return { kind: 'throttled' };
  }

  let details: ReservationDetails;
  try {
    details = await dependencies.details.getReservationDetails(
      reservationUuid,
      options.detailsTimeoutMs === undefined ? {} : { timeoutMs: options.detailsTimeoutMs },
    );
  } catch (error) {
    logNotConfirmed(log, callback, now(), {
      errorName: error instanceof Error ? error.name : 'UnknownError',
      // The whole error (message, stack, cause): an operator must see why details failed.
      ...(error instanceof Error ? { error } : {}),
      ...(error instanceof FrontPaymentRejectedError ? { rejected: true } : {}),
    });
    return { kind: 'unavailable' };
  }
  if (details.reservationUuid !== reservationUuid) {
    logNotConfirmed(log, callback, now(), { errorName: 'DetailsOfAnotherReservation' });
    return { kind: 'unavailable' };
  }

  const recorded = await repository.recordChanges(
    reservation,
    details,
    callback.receivedAt,
    options.alreadyConfirmed ? undefined : dependencies.inbox.confirmation(callback.key, now()),
  );
  for (const record of recorded.records) {
    log.info('Recorded change', {
      reservationId: record.reservationId,
      eventId: record.eventId,
      status: record.status,
      identity: record.identity,
      previousStatus: record.previousStatus,
      currentStatus: record.currentStatus,
    });
  }
  return { kind: 'confirmed', reservationId: reservation.reservationId, recorded };
}

/** By our id when the callback URL carried it (one read), else by Front Payment's uuid. */
async function findReservation(
  callback: KeptCallback,
  repository: StatusChangeRepository,
): Promise<ReservationState | undefined> {
  if (callback.reservationId) return repository.findReservationById(callback.reservationId);
  if (callback.reservationUuid) return repository.findReservationByUuid(callback.reservationUuid);
  return undefined;
}

/**
 * Our id in the path is not signed; Front Payment's uuid in the query is. A path that names
 * another reservation than the signed uuid is not believed.
 */
function isMismatch(callback: KeptCallback, reservationUuid: string): boolean {
  return callback.reservationUuid !== null && callback.reservationUuid !== reservationUuid;
}

function logNotConfirmed(
  log: StructuredLog,
  callback: KeptCallback,
  now: Date,
  reason: Record<string, unknown>,
): void {
  log.warn(CALLBACK_NOT_CONFIRMED, {
    reservationId: callback.reservationId,
    reservationUuid: callback.reservationUuid,
    attempts: callback.attempts,
    [CALLBACK_AGE_FIELD]: Math.max(
      0,
      Math.round((now.getTime() - Date.parse(callback.receivedAt)) / 1000),
    ),
    ...reason,
  });
}
