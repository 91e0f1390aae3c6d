/**
 * The callback answers Front Payment only after reading its details and recording the changes, so
 * each step gets a budget sized to what the Lambda has left. Whatever does not fit is done later:
 * a callback not confirmed in time stays kept for the sweeper, an event not published stays in
 * the outbox.
 */

/** Publishing, while Front Payment waits for our answer, starts no request after this long. */
export const CALLBACK_PUBLISH_BUDGET_MS = 3_000;
/** Left for the outbox release, the answer and the logs after publishing stopped. */
export const ANSWER_MARGIN_MS = 2_000;
/** Kept for the DynamoDB transaction that records the changes once the details are in. */
export const RECORD_RESERVE_MS = 3_000;

/** Left to answer after the last request ended, whatever happened. */
export const LAST_WORDS_MS = 1_000;

/** Epoch ms after which the callback starts no publish request. */
export function publishDeadline(remainingTimeMs: number, now = Date.now()): number {
  return (
    now + Math.max(0, Math.min(CALLBACK_PUBLISH_BUDGET_MS, remainingTimeMs - ANSWER_MARGIN_MS))
  );
}

/**
 * When publishing starts: no request starts after `deadline`, and one already sent may run until
 * `endBy` (it is not abandoned at the deadline: EventBridge may already have taken it).
 */
export function publishWindow(remainingTimeMs: number, now = Date.now()) {
  return {
    deadline: publishDeadline(remainingTimeMs, now),
    endBy: now + Math.max(0, remainingTimeMs - LAST_WORDS_MS),
  };
}

/**
 * How long the details request may take: the configured timeout, or less when the Lambda would
 * otherwise time out before recording and answering. 0 means no time for it: leave it to the
 * sweeper.
 */
export function detailsTimeoutMs(configuredMs: number, remainingTimeMs: number): number {
  return Math.max(
    0,
    Math.min(configuredMs, remainingTimeMs - ANSWER_MARGIN_MS - RECORD_RESERVE_MS),
  );
}
