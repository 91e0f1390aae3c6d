import { backoffMs } from '../backoff.ts';
import type { MerchantApiError } from './merchant-api-error.ts';

export interface RetryOptions {
  /** Tries of one operation, the first included. @default 5 */
  readonly maxAttempts: number;
  /** No wait starts that would end later than this after the first try began. @default 30000 */
  readonly maxTotalMs: number;
  /** The backoff before the first retry (doubled for each next one, with jitter). @default 250 */
  readonly baseDelayMs: number;
  /** The longest backoff. @default 5000 */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_OPTIONS: RetryOptions = {
  maxAttempts: 5,
  maxTotalMs: 30_000,
  baseDelayMs: 250,
  maxDelayMs: 5_000,
};

/** How one try ended when it did not succeed. */
export type FailedAttempt =
  | {
      readonly kind: 'answer';
      readonly error: MerchantApiError;
      readonly retryAfter: string | null;
    }
  | { readonly kind: 'no-answer'; readonly cause: unknown };

/**
 * How long to wait before trying again, or undefined when the API says a retry is not safe or
 * not useful. Every retry carries the same Idempotency-Key, so a retry after a lost answer is a
 * replay, never a second action. Retried:
 * - no answer at all (a network error or a timed-out try);
 * - 409 with `retry-after` and `retryable: true`: the same request is still in progress;
 * - 429, and a 503 that is not a problem of ours: throttling or API Gateway's own failure;
 * - a 5xx whose problem says `retryable: true` (nothing was sent to Front Payment).
 * Never an answer with `retryable: false`: the outcome is unknown or a retry cannot succeed.
 */
export function retryDelayMs(
  failed: FailedAttempt,
  attempt: number,
  options: RetryOptions,
  random: () => number = Math.random,
): number | undefined {
  const backoff = () =>
    backoffMs(attempt + 1, { baseMs: options.baseDelayMs, maxMs: options.maxDelayMs }, random);
  if (failed.kind === 'no-answer') return backoff();
  const { error, retryAfter } = failed;
  const waitMs = retryAfterMs(retryAfter) ?? backoff();
  if (error.status === 409) return error.retryable && retryAfter !== null ? waitMs : undefined;
  if (error.status === 429) return waitMs;
  if (error.status === 503 && !error.isProblem) return waitMs;
  if (error.status >= 500 && error.retryable) return waitMs;
  return undefined;
}

/** `retry-after` in seconds or as an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
