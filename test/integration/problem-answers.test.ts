import { randomUUID } from 'node:crypto';
import * as v from 'valibot';
import { describe, expect, it, vi } from 'vitest';
import { PROBLEM_CONTENT_TYPE, ProblemSchema } from '#shared/http/problem';
import { PROBLEM_CODES, type ProblemCode } from '#shared/http/problem-types';
import type { SandboxFault } from '../../infra/local/front-payment-sandbox/index.ts';
import { sampleReservationRequest } from '../../infra/local/sample-reservation.ts';
import { useLocalStack } from '../support/local-stack.ts';

/*
 * Every non-2xx answer our code gives on the merchant routes, provoked over real HTTP on the local
 * stack (the local API Gateway, the real handlers, DynamoDB Local, the sandbox with its faults):
 * each is application/problem+json, valid against ProblemSchema, with its code. API Gateway's own
 * answers (unknown route, over-long request line) stay its plain `{"message"}`.
 */

/** Codes no local request can provoke; test/unit/error-response.test.ts walks their branches. */
const NOT_PROVOKED_HERE: readonly ProblemCode[] = [
  // Needs a Lambda at its 25-28 s timeout while Front Payment still has not answered.
  'deadline-exceeded',
  // Needs a broken deployment (a missing table, an unreadable secret) or a bug.
  'internal-error',
];

/**
 * Front Payment's timeout here, and how long the sandbox holds a request the test wants still
 * running: both leave seconds of slack either way, so a loaded machine does not change the answer.
 */
const FRONT_PAYMENT_TIMEOUT_MS = 6_000;
const HELD_MS = 4_000;
/** Until the held request reaches the sandbox: on a busy machine that takes more than a second. */
const WAIT_FOR_CALL = { timeout: HELD_MS, interval: 20 };
const suffix = randomUUID().slice(0, 8);
const provoked = new Set<string>();
const local = useLocalStack({
  functionEnvironment: { FRONT_PAYMENT_TIMEOUT_MS: String(FRONT_PAYMENT_TIMEOUT_MS) },
});

interface Sent {
  readonly method?: 'GET' | 'POST';
  readonly path: string;
  /** A string is sent as is; anything else as JSON. */
  readonly body?: unknown;
  readonly contentType?: string;
  /** @default a new key; null sends none */
  readonly key?: string | null;
}

async function send({ method = 'POST', path, body, contentType, key }: Sent): Promise<Response> {
  const idempotencyKey = key === undefined ? randomUUID() : key;
  return fetch(`${local.stack.urls.api}${path}`, {
    method,
    headers: {
      'content-type': contentType ?? 'application/json',
      ...(idempotencyKey === null ? {} : { 'idempotency-key': idempotencyKey }),
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
}

/** Reads an answer as a problem: content type, schema, status, code; returns it for more checks. */
async function expectProblem(answer: Promise<Response> | Response, status: number, code: string) {
  const response = await answer;
  const body: unknown = await response.json();
  expect({ status: response.status, body }).toMatchObject({ status, body: { code } });
  expect(response.headers.get('content-type')).toBe(PROBLEM_CONTENT_TYPE);
  const problem = v.parse(ProblemSchema, body);
  expect(problem.status).toBe(status);
  provoked.add(problem.code);
  return { problem, headers: response.headers };
}

const commandPath = (reservationId: string, command: string) =>
  `/reservations/${reservationId}/${command}`;

async function paidReservation() {
  const created = await local.client.createReservation(
    sampleReservationRequest({
      returnBaseUrl: local.stack.urls.api,
      referenceNo: `PROBLEM-${suffix}`,
    }),
    randomUUID(),
  );
  await local.sandbox.pay(created.reservationUuid, 'visa');
  return created;
}

const sandboxCalls = (path: string) =>
  local.sandbox.calls.filter((call) => call.path.startsWith(path)).length;

/** The command's details read goes through, its call to Front Payment meets the fault. */
function faultOnCommandCall(fault: SandboxFault) {
  local.sandbox.injectFault({ kind: 'delay', delayMs: 0 });
  local.sandbox.injectFault(fault);
}

const validRequest = () =>
  sampleReservationRequest({
    returnBaseUrl: local.stack.urls.api,
    referenceNo: `PROBLEM-${suffix}`,
  });

describe('POST /reservations', () => {
  it('400 validation-failed names every field', async () => {
    const request = validRequest();
    const { problem } = await expectProblem(
      send({
        path: '/reservations',
        body: { ...request, customerDetails: { ...request.customerDetails, email: 'nope' } },
      }),
      400,
      'validation-failed',
    );
    expect(problem.errors).toEqual([
      { path: 'customerDetails.email', message: 'must be a valid email address' },
    ]);
  });

  it.each([
    ['malformed JSON', 400, 'body-not-json', '{"customerDetails": '],
    ['an array', 400, 'body-not-object', '[]'],
    ['a number', 400, 'body-not-object', '42'],
    ['null', 400, 'body-not-object', 'null'],
    ['no body', 400, 'body-not-object', undefined],
    ['text/plain', 415, 'unsupported-media-type', '{}', 'text/plain'],
    ['70 KB', 413, 'body-too-large', JSON.stringify({ x: 'a'.repeat(70_000) })],
  ])('%s is %i %s', async (_, status, code, body, contentType?: string) => {
    await expectProblem(
      send({ path: '/reservations', body, ...(contentType ? { contentType } : {}) }),
      status,
      code,
    );
  });

  it('400 idempotency-key-missing names the header', async () => {
    const { problem } = await expectProblem(
      send({ path: '/reservations', body: validRequest(), key: null }),
      400,
      'idempotency-key-missing',
    );
    expect(problem.errors).toEqual([expect.objectContaining({ path: 'Idempotency-Key' })]);
  });

  it('400 validation-failed for a malformed Idempotency-Key', async () => {
    await expectProblem(
      send({ path: '/reservations', body: validRequest(), key: 'with space' }),
      400,
      'validation-failed',
    );
  });

  it('409 idempotency-key-reused for other content under a used key', async () => {
    const key = randomUUID();
    expect((await send({ path: '/reservations', body: validRequest(), key })).status).toBe(201);
    await expectProblem(
      send({ path: '/reservations', body: { ...validRequest(), referenceNo: 'OTHER' }, key }),
      409,
      'idempotency-key-reused',
    );
  });

  it('409 request-in-progress with retry-after while the first is still at Front Payment', async () => {
    const key = randomUUID();
    // One body for both: its orderDate is the current second, and the wait may cross one.
    const body = validRequest();
    const creates = sandboxCalls('/api/v1/connect/reservations/create');
    local.sandbox.injectFault({ kind: 'delay', delayMs: HELD_MS });
    const first = send({ path: '/reservations', body, key });
    await vi.waitFor(
      () => expect(sandboxCalls('/api/v1/connect/reservations/create')).toBe(creates + 1),
      WAIT_FOR_CALL,
    );

    const { problem, headers } = await expectProblem(
      send({ path: '/reservations', body, key }),
      409,
      'request-in-progress',
    );
    expect(problem.retryable).toBe(true);
    expect(headers.get('retry-after')).toBe('1');
    expect((await first).status).toBe(201);
  });

  it('422 front-payment-rejected carries Front Payment’s field messages', async () => {
    local.sandbox.injectFault({ kind: 'status', statusCode: 417 });
    const { problem } = await expectProblem(
      send({ path: '/reservations', body: validRequest() }),
      422,
      'front-payment-rejected',
    );
    expect(problem.retryable).toBe(false);
  });

  it.each([
    [401, 502, 'misconfigured', false],
    [404, 502, 'misconfigured', false],
    [503, 502, 'front-payment-unavailable', true],
  ])('Front Payment’s %i is %i %s', async (faultStatus, status, code, retryable) => {
    local.sandbox.injectFault({
      kind: 'status',
      statusCode: faultStatus as 401 | 404 | 503,
    });
    const { problem } = await expectProblem(
      send({ path: '/reservations', body: validRequest() }),
      status,
      code,
    );
    expect(problem.retryable).toBe(retryable);
  });

  it('502 session-outcome-unknown names the reservation, and a retry is 409 with the same code', async () => {
    const key = randomUUID();
    const body = validRequest();
    local.sandbox.injectFault({ kind: 'status', statusCode: 500, afterCommit: true });
    const { problem } = await expectProblem(
      send({ path: '/reservations', body, key }),
      502,
      'session-outcome-unknown',
    );
    expect(problem).toMatchObject({ retryable: false, reservationId: expect.any(String) });

    const retry = await expectProblem(
      send({ path: '/reservations', body, key }),
      409,
      'session-outcome-unknown',
    );
    expect(retry.problem.reservationId).toBe(problem.reservationId);
  });

  it('504 session-outcome-unknown when Front Payment does not answer in time', async () => {
    local.sandbox.injectFault({ kind: 'delay', delayMs: FRONT_PAYMENT_TIMEOUT_MS + 2_000 });
    await expectProblem(
      send({ path: '/reservations', body: validRequest() }),
      504,
      'session-outcome-unknown',
    );
  });
});

describe('GET /reservations/{id}', () => {
  it('404 reservation-not-found names the id', async () => {
    const { problem } = await expectProblem(
      send({ method: 'GET', path: '/reservations/no-such-reservation' }),
      404,
      'reservation-not-found',
    );
    expect(problem.reservationId).toBe('no-such-reservation');
  });

  it('400 validation-failed for a refresh that is not true or false', async () => {
    const { reservationId } = await paidReservation();
    const { problem } = await expectProblem(
      send({ method: 'GET', path: `/reservations/${reservationId}?refresh=yes` }),
      400,
      'validation-failed',
    );
    expect(problem.errors).toEqual([expect.objectContaining({ path: 'refresh' })]);
  });

  it('504 front-payment-timeout when a refresh cannot read Front Payment in time', async () => {
    const { reservationId } = await paidReservation();
    local.sandbox.injectFault({ kind: 'delay', delayMs: FRONT_PAYMENT_TIMEOUT_MS + 2_000 });
    const { problem } = await expectProblem(
      send({ method: 'GET', path: `/reservations/${reservationId}?refresh=true` }),
      504,
      'front-payment-timeout',
    );
    expect(problem.retryable).toBe(true);
  });
});

describe('POST /reservations/{id}/{command}', () => {
  it.each([
    ['capture', { amount: '100' }, 'amount', 'must be a number'],
    [
      'capture',
      { amount: 10, lines: [{ index: 0, amount: 10 }] },
      'amount',
      'must not be given together with lines',
    ],
    ['capture', { lines: [{ amount: 10 }] }, 'lines.0.productId', /productId and index/],
    [
      'charge',
      { products: [{ name: 'Minibar', rate: 400, tax: 25, amount: 500 }], grandTotal: 400 },
      'grandTotal',
      'must be the sum of the products’ amounts',
    ],
    [
      'charge',
      { products: [{ name: 'Minibar', rate: '400', tax: 25, amount: 500 }], grandTotal: 500 },
      'products.0.rate',
      'must be a number',
    ],
    ['refund', {}, 'amount', 'is required unless lines are given'],
    ['resend', { countryCode: '+47' }, 'msisdn', 'is required with countryCode'],
    ['resend', { msisdn: '40000000' }, 'countryCode', 'is required with msisdn'],
  ])('400 validation-failed: %s %j names %s', async (command, body, path, message) => {
    const { reservationId } = await paidReservation();
    const { problem } = await expectProblem(
      send({ path: commandPath(reservationId, command), body }),
      400,
      'validation-failed',
    );
    expect(problem.errors).toContainEqual({ path, message: expect.stringMatching(message) });
    expect(problem.errors?.map((error) => error.path)).not.toContain('(root)');
  });

  it.each([
    ['an array', 400, 'body-not-object', '[]'],
    ['a string', 400, 'body-not-object', '"capture"'],
    ['null', 400, 'body-not-object', 'null'],
    ['malformed JSON', 400, 'body-not-json', '{'],
    ['form data', 415, 'unsupported-media-type', 'a=b', 'application/x-www-form-urlencoded'],
    ['33 KB', 413, 'body-too-large', JSON.stringify({ note: 'a'.repeat(33_000) })],
  ])('%s is %i %s', async (_, status, code, body, contentType?: string) => {
    const { reservationId } = await paidReservation();
    await expectProblem(
      send({
        path: commandPath(reservationId, 'cancel'),
        body,
        ...(contentType ? { contentType } : {}),
      }),
      status,
      code,
    );
  });

  it('400 idempotency-key-missing', async () => {
    const { reservationId } = await paidReservation();
    await expectProblem(
      send({ path: commandPath(reservationId, 'capture'), body: {}, key: null }),
      400,
      'idempotency-key-missing',
    );
  });

  it('404 reservation-not-found', async () => {
    await expectProblem(
      send({ path: commandPath('no-such-reservation', 'capture'), body: {} }),
      404,
      'reservation-not-found',
    );
  });

  it('409 state-conflict names the rule', async () => {
    const { reservationId } = await paidReservation();
    const { problem } = await expectProblem(
      send({ path: commandPath(reservationId, 'capture'), body: { amount: 99_999 } }),
      409,
      'state-conflict',
    );
    expect(problem).toMatchObject({ rule: 'capture-exceeds-remaining', retryable: false });
  });

  it('409 idempotency-key-reused and request-in-progress', async () => {
    const { reservationId } = await paidReservation();
    const key = randomUUID();
    const captures = () => sandboxCalls('/api/v1/connect/reservations/capture');
    const before = captures();
    faultOnCommandCall({ kind: 'delay', delayMs: HELD_MS });
    const first = send({ path: commandPath(reservationId, 'capture'), body: { amount: 10 }, key });
    await vi.waitFor(() => expect(captures()).toBe(before + 1), WAIT_FOR_CALL);

    const { headers } = await expectProblem(
      send({ path: commandPath(reservationId, 'capture'), body: { amount: 10 }, key }),
      409,
      'request-in-progress',
    );
    expect(headers.get('retry-after')).toBe('1');
    expect((await first).status).toBe(202);
    await expectProblem(
      send({ path: commandPath(reservationId, 'capture'), body: { amount: 20 }, key }),
      409,
      'idempotency-key-reused',
    );
  });

  it('502 command-outcome-unknown when Front Payment’s answer is lost, then 409 on a retry', async () => {
    const { reservationId } = await paidReservation();
    const key = randomUUID();
    faultOnCommandCall({ kind: 'status', statusCode: 500, afterCommit: true });
    const { problem } = await expectProblem(
      send({ path: commandPath(reservationId, 'capture'), body: { amount: 10 }, key }),
      502,
      'command-outcome-unknown',
    );
    expect(problem).toMatchObject({ reservationId, retryable: false });
    await expectProblem(
      send({ path: commandPath(reservationId, 'capture'), body: { amount: 10 }, key }),
      409,
      'command-outcome-unknown',
    );
  });

  it('422 front-payment-rejected when Front Payment refuses the command before acting', async () => {
    const { reservationId } = await paidReservation();
    faultOnCommandCall({ kind: 'status', statusCode: 400 });
    await expectProblem(
      send({ path: commandPath(reservationId, 'capture'), body: { amount: 10 } }),
      422,
      'front-payment-rejected',
    );
  });
});

describe("API Gateway's own answers", () => {
  it('stay its plain {"message"}: they never reach our code', async () => {
    const unknownRoute = await send({ path: '/no-such-route', body: {} });
    const tooLong = await fetch(`${local.stack.urls.api}/reservations/x?pad=${'a'.repeat(11_000)}`);

    expect(unknownRoute.status).toBe(404);
    expect(await unknownRoute.json()).toEqual({ message: 'Not Found' });
    expect(tooLong.status).toBe(414);
    expect(await tooLong.json()).toEqual({ message: 'Request-URI Too Long' });
  });
});

describe('coverage', () => {
  it('provoked every documented code but the ones only a broken deployment can give', () => {
    expect([...provoked].sort()).toEqual(
      PROBLEM_CODES.filter((code) => !NOT_PROVOKED_HERE.includes(code)).sort(),
    );
  });
});
