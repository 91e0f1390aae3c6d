import {
  type CallbackInbox,
  type DueCursor,
  type KeptCallback,
  MAX_UNMATCHED_TRIES,
} from '#shared/callbacks/callback-inbox';
import { UNMATCHED_CALLBACK_SET_ASIDE } from '#shared/callbacks/callback-log';
import {
  type ConfirmationDependencies,
  confirmWithFrontPayment,
} from '#shared/callbacks/confirm-with-front-payment';
import type { DetailsReadGate } from '#shared/callbacks/details-read-gate';
import {
  type PublishRecordedDependencies,
  publishRecorded,
} from '#shared/callbacks/publish-recorded';

export interface ConfirmKeptCallbacksDependencies
  extends Omit<ConfirmationDependencies, 'inbox'>,
    PublishRecordedDependencies {
  readonly inbox: CallbackInbox;
  /** At most one details read per reservation per interval, shared with the callback function. */
  readonly detailsReads: DetailsReadGate;
  /** The details request's own timeout; shortened when the Lambda has less time left. */
  readonly detailsTimeoutMs: number;
  /** The Lambda's `context.getRemainingTimeInMillis`. @default never runs out */
  readonly remainingTimeMs?: () => number;
}

export interface ConfirmKeptCallbacksResult {
  /** Due unconfirmed callbacks listed. */
  readonly found: number;
  /** Those whose wait had run out and whose attempt this run took. */
  readonly claimed: number;
  readonly confirmed: number;
  /** Changes recorded from their details (each published, or left in the outbox). */
  readonly recorded: number;
  /** Unmatched after their last try: set aside, no longer listed (`MAX_UNMATCHED_TRIES`). */
  readonly setAside: number;
}

/** Callbacks listed per page; pages follow while the run has time. */
const PAGE_SIZE = 50;
/** No new attempt starts with less time left: details, recording, publishing must fit. */
const STOP_WITH_REMAINING_MS = 15_000;

/**
 * Confirms kept callbacks the callback function could not confirm (Front Payment's details
 * failed, hung, or did not know the reservation yet), each once its backoff is over: records what
 * the details show and publishes it. Only due callbacks are listed, longest due first, page after
 * page while the Lambda has time, so callbacks waiting out their backoff never block due ones. A
 * failed attempt waits longer next time; an unmatched callback is set aside after its last try.
 */
export async function confirmKeptCallbacks(
  dependencies: ConfirmKeptCallbacksDependencies,
): Promise<ConfirmKeptCallbacksResult> {
  const clock = dependencies.now ?? (() => new Date());
  const remainingTimeMs = dependencies.remainingTimeMs ?? (() => Number.POSITIVE_INFINITY);
  // Fixed for the run: callbacks deferred meanwhile are due later, so the run has an end.
  const dueBy = clock();
  const counts = { found: 0, claimed: 0, confirmed: 0, recorded: 0, setAside: 0 };
  let cursor: DueCursor | undefined;
  do {
    const page = await dependencies.inbox.listDue({
      dueBy,
      limit: PAGE_SIZE,
      ...(cursor ? { cursor } : {}),
    });
    cursor = page.next;
    counts.found += page.keys.length;
    for (const key of page.keys) {
      if (remainingTimeMs() < STOP_WITH_REMAINING_MS) return counts;
      const callback = await dependencies.inbox.claim(key, clock());
      if (!callback) continue;
      counts.claimed += 1;
      await tryToConfirm(callback, dependencies, counts);
    }
  } while (cursor && remainingTimeMs() >= STOP_WITH_REMAINING_MS);
  return counts;
}

async function tryToConfirm(
  callback: KeptCallback,
  dependencies: ConfirmKeptCallbacksDependencies,
  counts: { confirmed: number; recorded: number; setAside: number },
): Promise<void> {
  const clock = dependencies.now ?? (() => new Date());
  const remainingTimeMs = dependencies.remainingTimeMs ?? (() => Number.POSITIVE_INFINITY);
  try {
    const outcome = await confirmWithFrontPayment(callback, dependencies, {
      detailsTimeoutMs: Math.min(dependencies.detailsTimeoutMs, remainingTimeMs() - 10_000),
      // Read for this reservation moments ago: `throttled`, deferred like a failed try.
      mayReadDetails: (reservationId) => dependencies.detailsReads.tryTake(reservationId, clock()),
    });
    if (outcome.kind === 'unmatched' && callback.attempts >= MAX_UNMATCHED_TRIES) {
      await dependencies.inbox.setAside(callback, clock());
      counts.setAside += 1;
      dependencies.log.error(UNMATCHED_CALLBACK_SET_ASIDE, {
        reservationId: callback.reservationId,
        reservationUuid: callback.reservationUuid,
        attempts: callback.attempts,
        receivedAt: callback.receivedAt,
      });
      return;
    }
    if (outcome.kind !== 'confirmed') {
      await dependencies.inbox.defer(callback, clock());
      return;
    }
    counts.confirmed += 1;
    counts.recorded += outcome.recorded.records.length;
    await publishRecorded(
      outcome.recorded,
      {
        deadline: Date.now() + remainingTimeMs() - 10_000,
        endBy: Date.now() + remainingTimeMs() - 2_000,
      },
      dependencies,
    );
  } catch (error) {
    // DynamoDB failed: nothing was recorded; the claim's lease makes the next run try again.
    dependencies.log.error('Could not confirm a kept callback', {
      reservationId: callback.reservationId,
      errorName: error instanceof Error ? error.name : 'UnknownError',
    });
  }
}
