import { IdempotencyKeyReusedError, RequestInProgressError } from '../errors.ts';

/** How long a duplicate of a running request is asked to wait before it retries. */
const IN_PROGRESS_RETRY_AFTER_SECONDS = 1;

/** The answers to a retry that does not replay: create and every command give the same two. */
export const idempotencyConflicts = {
  otherRequest: () =>
    new IdempotencyKeyReusedError(
      'This Idempotency-Key was already used for a request with other content',
    ),
  inProgress: () =>
    new RequestInProgressError(
      'A request with this Idempotency-Key is still in progress',
      IN_PROGRESS_RETRY_AFTER_SECONDS,
    ),
} as const;
