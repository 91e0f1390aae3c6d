import { sleep } from '../backoff.ts';
import { MerchantApiUnreachableError, merchantApiErrorOf } from './merchant-api-error.ts';
import type { RequestAuthorizer } from './request-auth.ts';
import { type FailedAttempt, type RetryOptions, retryDelayMs } from './retry-policy.ts';

/** One logical operation: every try of it sends the same body and the same Idempotency-Key. */
export interface Operation {
  readonly method: 'GET' | 'POST';
  readonly url: URL;
  readonly body?: unknown;
  readonly idempotencyKey?: string;
}

/** Why the client is about to try again, and when. */
export interface RetryNotice {
  readonly method: string;
  readonly path: string;
  /** The try that failed (1 for the first). */
  readonly attempt: number;
  readonly delayMs: number;
  /** `409`, `503`, … or `no-answer`. */
  readonly reason: string;
  readonly idempotencyKey: string | undefined;
}

export interface SendDependencies {
  readonly authorize: RequestAuthorizer;
  readonly retry: RetryOptions;
  readonly attemptTimeoutMs: number;
  readonly fetch: typeof fetch;
  readonly onRetry?: (notice: RetryNotice) => void;
  /** @default Math.random */
  readonly random?: () => number;
  /** @default the real clock and timers */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Sends an operation, signed anew for each try, and retries it as `retryDelayMs` allows, within
 * the attempt and time bounds. Resolves with the 2xx answer's JSON; rejects with the last
 * `MerchantApiError`, or `MerchantApiUnreachableError` when no try got an answer.
 */
export function sendWithRetries(dependencies: SendDependencies) {
  const now = dependencies.now ?? Date.now;
  const wait = dependencies.sleep ?? sleep;
  return async function send<TAnswer>(operation: Operation): Promise<TAnswer> {
    const startedAt = now();
    const body = operation.body === undefined ? undefined : JSON.stringify(operation.body);
    for (let attempt = 1; ; attempt += 1) {
      const failed = await tryOnce(operation, body);
      if (failed.kind === 'succeeded') return failed.answer as TAnswer;
      const delayMs = retryDelayMs(failed, attempt, dependencies.retry, dependencies.random);
      const inBudget =
        delayMs !== undefined &&
        attempt < dependencies.retry.maxAttempts &&
        now() + delayMs - startedAt <= dependencies.retry.maxTotalMs;
      if (!inBudget) throw finalErrorOf(failed, operation, attempt);
      dependencies.onRetry?.({
        method: operation.method,
        path: operation.url.pathname,
        attempt,
        delayMs,
        reason: failed.kind === 'answer' ? String(failed.error.status) : 'no-answer',
        idempotencyKey: operation.idempotencyKey,
      });
      await wait(delayMs);
    }
  };

  async function tryOnce(
    operation: Operation,
    body: string | undefined,
  ): Promise<FailedAttempt | { readonly kind: 'succeeded'; readonly answer: unknown }> {
    const headers = await dependencies.authorize({
      method: operation.method,
      url: operation.url,
      headers: {
        accept: 'application/json, application/problem+json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(operation.idempotencyKey ? { 'idempotency-key': operation.idempotencyKey } : {}),
      },
      body,
    });
    let response: Response;
    let text: string;
    try {
      response = await dependencies.fetch(operation.url, {
        method: operation.method,
        headers,
        ...(body === undefined ? {} : { body }),
        signal: AbortSignal.timeout(dependencies.attemptTimeoutMs),
      });
      text = await response.text();
    } catch (cause) {
      return { kind: 'no-answer', cause };
    }
    if (!response.ok) {
      return {
        kind: 'answer',
        error: merchantApiErrorOf(
          response.status,
          response.headers,
          text,
          operation.idempotencyKey,
        ),
        retryAfter: response.headers.get('retry-after'),
      };
    }
    try {
      return { kind: 'succeeded', answer: JSON.parse(text) };
    } catch (cause) {
      // A 2xx cut short: the API acted; the retry, with the same key, reads the answer again.
      return { kind: 'no-answer', cause };
    }
  }
}

function finalErrorOf(failed: FailedAttempt, operation: Operation, attempts: number): Error {
  if (failed.kind === 'answer') return failed.error;
  const tries = attempts === 1 ? '1 try' : `${attempts} tries`;
  return new MerchantApiUnreachableError(
    `No answer from ${operation.method} ${operation.url.origin}${operation.url.pathname} after ${tries}${
      operation.idempotencyKey
        ? `; the outcome is unknown: the same call with Idempotency-Key ${operation.idempotencyKey} answers it without acting twice`
        : ''
    }`,
    operation.idempotencyKey,
    { cause: failed.cause },
  );
}
