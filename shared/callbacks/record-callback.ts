import type { PublishOptions } from '../events/event-publisher.ts';
import type { CallbackInbox } from './callback-inbox.ts';
import {
  type ConfirmationDependencies,
  confirmWithFrontPayment,
} from './confirm-with-front-payment.ts';
import type { DetailsReadGate } from './details-read-gate.ts';
import { type PublishRecordedDependencies, publishRecorded } from './publish-recorded.ts';
import { type CallbackVerification, verifyCallback } from './verify-callback.ts';

export interface RecordCallbackDependencies
  extends CallbackVerification,
    PublishRecordedDependencies,
    Omit<ConfirmationDependencies, 'inbox'> {
  readonly inbox: Pick<CallbackInbox, 'keep' | 'confirmation' | 'reopen'>;
  readonly detailsReads: DetailsReadGate;
}

export interface CallbackRequest {
  /** The query exactly as received: the checksum depends on its order. */
  readonly rawQueryString: string;
  /** Our reservation id from the callback URL's path; absent on the old path. */
  readonly reservationId?: string;
  /** How long the details request may take now (see `time-budget.ts`). @default no limit */
  readonly detailsTimeoutMs?: () => number;
  /** Asked when publishing starts (see `PublishOptions`). @default no limit */
  readonly publishWindow?: () => PublishOptions;
}

export type CallbackOutcome =
  /** Confirmed with Front Payment; `duplicate` when it showed nothing not recorded before. */
  | { readonly kind: 'recorded'; readonly duplicate: boolean }
  /** Kept, but Front Payment's details could not be read now: the sweeper confirms it later. */
  | { readonly kind: 'kept' }
  /** Checksum or freshness did not verify: nothing says which. */
  | { readonly kind: 'forbidden' }
  /** Kept, but no reservation of ours matches (yet). */
  | { readonly kind: 'unknown-reservation'; readonly reservationUuid: string | null };

/**
 * Handles one Front Payment callback: verify; keep it durably before anything else; confirm it
 * with Front Payment's details (which record each change once); publish. Throws only when the
 * callback could not be kept or the changes not recorded (DynamoDB failed): the sender should try
 * again, and a kept callback is confirmed by the sweeper meanwhile.
 */
export async function recordCallback(
  request: CallbackRequest,
  dependencies: RecordCallbackDependencies,
): Promise<CallbackOutcome> {
  const receivedAt = (dependencies.now ?? (() => new Date()))();
  const verified = await verifyCallback(request.rawQueryString, receivedAt, dependencies);
  if (!verified.verified) return { kind: 'forbidden' };

  const kept = await dependencies.inbox.keep({
    rawQueryString: request.rawQueryString,
    reservationId: request.reservationId ?? null,
    reservationUuid: verified.reservationUuid,
    receivedAt: receivedAt.toISOString(),
  });
  // The identical query again is still read through: documented callbacks carry the order's time
  // and total, so two captures in one second send identical queries. Only its confirmation is
  // not written again; and within the details read interval it is left to the sweeper.
  const alreadyConfirmed = kept.kind === 'seen' && kept.confirmed;

  const timeoutMs = request.detailsTimeoutMs?.();
  if (timeoutMs !== undefined && timeoutMs <= 0) return { kind: 'kept' };
  const confirmation = await confirmWithFrontPayment(kept.callback, dependencies, {
    ...(timeoutMs === undefined ? {} : { detailsTimeoutMs: timeoutMs }),
    alreadyConfirmed,
    // A new callback reads at once; a repeat at most once per reservation per interval.
    mayReadDetails: (reservationId) =>
      kept.kind === 'kept'
        ? dependencies.detailsReads.stamp(reservationId, receivedAt).then(() => true)
        : dependencies.detailsReads.tryTake(reservationId, receivedAt),
  });
  if (confirmation.kind === 'throttled') {
    // It may announce a change the last read did not show: the sweeper reads for it.
    if (alreadyConfirmed) await dependencies.inbox.reopen(kept.callback.key, receivedAt);
    return { kind: 'kept' };
  }
  if (confirmation.kind === 'unavailable') return { kind: 'kept' };
  if (confirmation.kind === 'unmatched') {
    return { kind: 'unknown-reservation', reservationUuid: verified.reservationUuid };
  }
  await publishRecorded(confirmation.recorded, request.publishWindow?.() ?? {}, dependencies);
  return { kind: 'recorded', duplicate: confirmation.recorded.records.length === 0 };
}
