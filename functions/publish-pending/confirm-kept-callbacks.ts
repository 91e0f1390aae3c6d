import type { CallbackInbox } from '#shared/callbacks/callback-inbox';
import {
  type ConfirmationDependencies,
  confirmWithFrontPayment,
} from '#shared/callbacks/confirm-with-front-payment';
import {
  type PublishRecordedDependencies,
  publishRecorded,
} from '#shared/callbacks/publish-recorded';

export interface ConfirmKeptCallbacksDependencies
  extends Omit<ConfirmationDependencies, 'inbox'>,
    PublishRecordedDependencies {
  readonly inbox: CallbackInbox;
  /** The details request's own timeout; shortened when the Lambda has less time left. */
  readonly detailsTimeoutMs: number;
  /** The Lambda's `context.getRemainingTimeInMillis`. @default never runs out */
  readonly remainingTimeMs?: () => number;
}

export interface ConfirmKeptCallbacksResult {
  /** Unconfirmed callbacks listed. */
  readonly found: number;
  /** Those whose wait had run out and whose attempt this run took. */
  readonly claimed: number;
  readonly confirmed: number;
  /** Changes recorded from their details (each published, or left in the outbox). */
  readonly recorded: number;
}

/** Callbacks listed per run; the rest wait for the next minute. */
const PAGE_SIZE = 50;
/** No new attempt starts with less time left: details, recording, publishing must fit. */
const STOP_WITH_REMAINING_MS = 15_000;

/**
 * Confirms kept callbacks the callback function could not confirm (Front Payment's details
 * failed, hung, or did not know the reservation yet), oldest first, each after its backoff:
 * records what the details show and publishes it. A failed attempt waits longer next time.
 */
export async function confirmKeptCallbacks(
  dependencies: ConfirmKeptCallbacksDependencies,
): Promise<ConfirmKeptCallbacksResult> {
  const clock = dependencies.now ?? (() => new Date());
  const remainingTimeMs = dependencies.remainingTimeMs ?? (() => Number.POSITIVE_INFINITY);
  const keys = await dependencies.inbox.listUnconfirmed({
    receivedBefore: clock().toISOString(),
    limit: PAGE_SIZE,
  });
  let claimed = 0;
  let confirmed = 0;
  let recorded = 0;
  for (const key of keys) {
    if (remainingTimeMs() < STOP_WITH_REMAINING_MS) break;
    const callback = await dependencies.inbox.claim(key, clock());
    if (!callback) continue;
    claimed += 1;
    try {
      const outcome = await confirmWithFrontPayment(callback, dependencies, {
        detailsTimeoutMs: Math.min(dependencies.detailsTimeoutMs, remainingTimeMs() - 10_000),
      });
      if (outcome.kind !== 'confirmed') {
        await dependencies.inbox.defer(callback, clock());
        continue;
      }
      confirmed += 1;
      recorded += outcome.recorded.records.length;
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
  return { found: keys.length, claimed, confirmed, recorded };
}
