import { UNMATCHED_CALLBACK_KEPT } from './callback-log.ts';
import { confirmCallback } from './confirm-callback.ts';
import { type PublishRecordedDependencies, publishRecorded } from './publish-recorded.ts';
import { statusChangeFromCallback } from './status-change.ts';
import type { StatusChangeRepository } from './status-change-repository.ts';
import type { ReservationDetailsReader } from './status-confirmation.ts';
import { type CallbackVerification, verifyCallback } from './verify-callback.ts';

export interface RecordCallbackDependencies
  extends CallbackVerification,
    PublishRecordedDependencies {
  /** When set, Front Payment's API must agree with the status before it is recorded. */
  readonly confirmation?: ReservationDetailsReader;
  readonly repository: StatusChangeRepository;
}

export interface CallbackRequest {
  /** The query exactly as received: the checksum depends on its order. */
  readonly rawQueryString: string;
  /**
   * Asked when publishing starts: epoch ms after which publishing the event is left to the
   * sweeper, so the answer goes out in time. @default no limit
   */
  readonly publishDeadline?: () => number;
}

export type CallbackOutcome =
  | { readonly kind: 'recorded'; readonly duplicate: boolean }
  /** Checksum, parameters or freshness did not verify: nothing says which. */
  | { readonly kind: 'forbidden' }
  | { readonly kind: 'unknown-reservation'; readonly orderUuid: string }
  /** Confirmation is on and Front Payment's details do not (yet) show the status. */
  | { readonly kind: 'not-confirmed' }
  /** Confirmation is on and Front Payment could not be asked. */
  | { readonly kind: 'confirmation-unavailable' };

/**
 * Handles one Front Payment callback: verify, confirm (when configured), record once, publish.
 * Throws only when the change could not be recorded (DynamoDB failed): then nothing was
 * recorded or published and the sender should try again.
 */
export async function recordCallback(
  request: CallbackRequest,
  dependencies: RecordCallbackDependencies,
): Promise<CallbackOutcome> {
  const { log, repository } = dependencies;
  const receivedAt = (dependencies.now ?? (() => new Date()))();

  const verified = await verifyCallback(request.rawQueryString, receivedAt, dependencies);
  if (!verified.verified) return { kind: 'forbidden' };
  const { query, status } = verified;

  if (dependencies.confirmation) {
    const confirmation = await confirmCallback(
      dependencies.confirmation,
      query.orderUuid,
      status.status,
      log,
    );
    if (confirmation === 'not-yet') return { kind: 'not-confirmed' };
    if (confirmation === 'unavailable') return { kind: 'confirmation-unavailable' };
  }

  const change = statusChangeFromCallback(query, status, receivedAt);
  const reservation = await repository.findReservation(query.orderUuid);
  if (!reservation) {
    await repository.recordUnmatchedCallback(change, request.rawQueryString);
    log.warn(UNMATCHED_CALLBACK_KEPT, {
      orderUuid: query.orderUuid,
      status: status.status,
      changeId: change.changeId,
    });
    return { kind: 'unknown-reservation', orderUuid: query.orderUuid };
  }

  const outcome = await repository.recordStatusChange(reservation, change);
  const { record } = outcome;
  log.info(
    outcome.kind === 'recorded' ? 'Recorded status change' : 'Status change already recorded',
    {
      reservationId: record.reservationId,
      eventId: record.eventId,
      status: record.status,
      previousStatus: record.previousStatus,
      currentStatus: record.currentStatus,
    },
  );
  const deadline = request.publishDeadline?.() ?? Number.POSITIVE_INFINITY;
  await publishRecorded(outcome, deadline, dependencies);
  return { kind: 'recorded', duplicate: outcome.kind === 'duplicate' };
}
