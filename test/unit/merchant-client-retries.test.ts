import { describe, expect, it } from 'vitest';
import { merchantApiErrorOf } from '../../shared/client/merchant-api-error.ts';
import {
  DEFAULT_RETRY_OPTIONS,
  type FailedAttempt,
  retryAfterMs,
  retryDelayMs,
} from '../../shared/client/retry-policy.ts';
import { sendWithRetries } from '../../shared/client/send-with-retries.ts';

const options = { ...DEFAULT_RETRY_OPTIONS, baseDelayMs: 100, maxDelayMs: 1_000 };

function answered(
  status: number,
  body: unknown,
  { problem = false, retryAfter = null as string | null } = {},
): FailedAttempt {
  const headers = new Headers({
    'content-type': problem ? 'application/problem+json' : 'application/json',
  });
  return {
    kind: 'answer',
    error: merchantApiErrorOf(status, headers, JSON.stringify(body), 'key-1'),
    retryAfter,
  };
}

const problem = (status: number, retryable: boolean) =>
  answered(
    status,
    { type: 'about:blank', title: 't', status, detail: 'd', code: 'c', retryable },
    { problem: true },
  );

describe('retryDelayMs', () => {
  it('backs off with jitter between half and all of the doubled delay, up to the maximum', () => {
    const noAnswer: FailedAttempt = { kind: 'no-answer', cause: new TypeError('fetch failed') };
    expect(retryDelayMs(noAnswer, 1, options, () => 0)).toBe(50);
    expect(retryDelayMs(noAnswer, 1, options, () => 1)).toBe(100);
    expect(retryDelayMs(noAnswer, 3, options, () => 1)).toBe(400);
    expect(retryDelayMs(noAnswer, 10, options, () => 1)).toBe(1_000);
  });

  it('waits what retry-after says for a request in progress', () => {
    const inProgress = answered(
      409,
      { message: 'in progress', retryable: true },
      { retryAfter: '2' },
    );
    expect(retryDelayMs(inProgress, 1, options)).toBe(2_000);
  });

  it('retries throttling, API Gateway’s own 503 and a retryable 5xx problem', () => {
    expect(retryDelayMs(answered(429, { message: 'Too Many Requests' }), 1, options, () => 1)).toBe(
      100,
    );
    expect(
      retryDelayMs(answered(503, { message: 'Service Unavailable' }), 1, options, () => 1),
    ).toBe(100);
    expect(retryDelayMs(problem(502, true), 2, options, () => 1)).toBe(200);
  });

  it('never retries an unknown outcome, a refusal or a 409 without retry-after', () => {
    expect(retryDelayMs(problem(502, false), 1, options)).toBeUndefined();
    expect(retryDelayMs(problem(503, false), 1, options)).toBeUndefined();
    expect(retryDelayMs(problem(504, false), 1, options)).toBeUndefined();
    expect(retryDelayMs(problem(400, false), 1, options)).toBeUndefined();
    expect(retryDelayMs(answered(500, { message: 'Internal Server Error' }), 1, options)).toBe(
      undefined,
    );
    expect(retryDelayMs(answered(409, { message: 'x', retryable: true }), 1, options)).toBe(
      undefined,
    );
    expect(
      retryDelayMs(
        answered(409, { message: 'other content', retryable: false }, { retryAfter: '1' }),
        1,
        options,
      ),
    ).toBeUndefined();
  });
});

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    expect(retryAfterMs('3', now)).toBe(3_000);
    expect(retryAfterMs('Thu, 01 Jan 2026 12:00:05 GMT', now)).toBe(5_000);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });
});

describe('sendWithRetries', () => {
  /** A fetch that answers from the list, one per try, and counts the tries. */
  function scriptedFetch(answers: readonly (() => Response)[]) {
    const sent: Headers[] = [];
    const fetch = (async (_url: URL, init?: RequestInit) => {
      sent.push(new Headers(init?.headers));
      const next = answers[sent.length - 1];
      if (!next) throw new Error('no more answers scripted');
      return next();
    }) as typeof globalThis.fetch;
    return { fetch, sent };
  }
  const throttled = () => new Response('{"message":"Too Many Requests"}', { status: 429 });

  function sender(fetch: typeof globalThis.fetch, maxTotalMs = 30_000, maxAttempts = 5) {
    let clock = 0;
    const waits: number[] = [];
    const send = sendWithRetries({
      authorize: async (request) => ({ ...request.headers }),
      retry: { ...options, maxTotalMs, maxAttempts },
      attemptTimeoutMs: 1_000,
      fetch,
      random: () => 1,
      now: () => clock,
      sleep: async (ms) => {
        waits.push(ms);
        clock += ms;
      },
    });
    return { send, waits };
  }

  const operation = {
    method: 'POST' as const,
    url: new URL('https://api.example.com/reservations/r-1/capture'),
    body: {},
    idempotencyKey: 'key-1',
  };

  it('sends the same Idempotency-Key on every try', async () => {
    const { fetch, sent } = scriptedFetch([
      throttled,
      throttled,
      () => Response.json({ state: 'ACCEPTED' }, { status: 202 }),
    ]);
    const { send, waits } = sender(fetch);

    await expect(send(operation)).resolves.toEqual({ state: 'ACCEPTED' });

    expect(sent.map((headers) => headers.get('idempotency-key'))).toEqual([
      'key-1',
      'key-1',
      'key-1',
    ]);
    expect(waits).toEqual([100, 200]);
  });

  it('stops at maxAttempts with the last error', async () => {
    const { fetch, sent } = scriptedFetch(Array.from({ length: 10 }, () => throttled));
    const { send } = sender(fetch, 30_000, 3);

    await expect(send(operation)).rejects.toMatchObject({ status: 429, idempotencyKey: 'key-1' });
    expect(sent).toHaveLength(3);
  });

  it('does not start a wait that would end beyond maxTotalMs', async () => {
    const { fetch, sent } = scriptedFetch(Array.from({ length: 10 }, () => throttled));
    const { send, waits } = sender(fetch, 350);

    await expect(send(operation)).rejects.toMatchObject({ status: 429 });
    // 100 + 200 fit in 350 ms; the next wait (400) would not.
    expect(waits).toEqual([100, 200]);
    expect(sent).toHaveLength(3);
  });
});
