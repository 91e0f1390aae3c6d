/**
 * The callback publishes its event while Front Payment waits for the answer, so it gets a small
 * budget: at most this long, and never closer than `ANSWER_MARGIN_MS` to the Lambda's timeout.
 * Whatever is not published by then stays in the outbox for the sweeper.
 */
export const CALLBACK_PUBLISH_BUDGET_MS = 3_000;
/** Left for the outbox release, the answer and the logs after publishing stopped. */
export const ANSWER_MARGIN_MS = 2_000;

/** Epoch ms after which the callback stops publishing. */
export function publishDeadline(remainingTimeMs: number, now = Date.now()): number {
  return (
    now + Math.max(0, Math.min(CALLBACK_PUBLISH_BUDGET_MS, remainingTimeMs - ANSWER_MARGIN_MS))
  );
}
