import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createReservationRepository } from '#shared/reservations/reservation-repository';
import { findFreePort } from '../../infra/local/free-port.ts';
import {
  type RunningFrontPaymentSandbox,
  startFrontPaymentSandbox,
} from '../../infra/local/front-payment-sandbox/index.ts';
import type {
  SandboxFault,
  SandboxFaultStatus,
} from '../../infra/local/front-payment-sandbox/types.ts';
import { httpApiEvent, lambdaContext } from '../support/api-gateway-events.ts';
import { captureOutput } from '../support/captured-output.ts';
import {
  type CreateSessionHandler,
  coldStartCreateSession,
} from '../support/create-session-handler.ts';
import { createLocalTables, type LocalTables } from '../support/local-tables.ts';
import {
  PERSONAL_VALUES,
  respelled,
  validReservationRequest,
} from '../support/reservation-requests.ts';

const TOKEN = 'sandbox-token-7f3a';
const CALLBACK_BASE_URL = 'https://api.example.test';
const CALLER_A = 'arn:aws:iam::123456789012:role/merchant-a';

type Handler = CreateSessionHandler;

/** Who calls: an IAM principal, JWT claims, or nobody (a route deployed without authorizer). */
type Caller =
  | { readonly iam: string }
  | { readonly jwt: Readonly<Record<string, string>> }
  | { readonly none: true };

let tables: LocalTables;
let sandbox: RunningFrontPaymentSandbox;
let handler: Handler;
const output = captureOutput();

/** Imports the handler afresh, as a cold start with this environment would. */
const coldStart = (overrides: Record<string, string> = {}) =>
  coldStartCreateSession({ tables, frontPaymentUrl: sandbox.url, token: TOKEN }, overrides);

/** Runs `act` against a handler started with `overrides`, then restores the default one. */
async function withHandler<T>(overrides: Record<string, string>, act: () => Promise<T>) {
  handler = await coldStart(overrides);
  try {
    return await act();
  } finally {
    for (const name of Object.keys(overrides)) delete process.env[name];
    handler = await coldStart();
  }
}

/** POST /reservations; each call has a fresh Idempotency-Key unless `headers` name one. */
function post(
  body: unknown,
  headers: Record<string, string> = {},
  caller: Caller = { iam: CALLER_A },
  context: Context = lambdaContext(),
) {
  const event = httpApiEvent({
    method: 'POST',
    path: '/reservations',
    headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID(), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...('iam' in caller ? { callerArn: caller.iam } : {}),
  });
  if ('jwt' in caller) {
    Object.assign(event.requestContext, {
      authorizer: { jwt: { claims: caller.jwt, scopes: null } },
    });
  }
  return handler(event, context);
}

const bodyOf = (response: APIGatewayProxyStructuredResultV2) => JSON.parse(response.body ?? '');

async function reservationItems() {
  const { Items = [] } = await tables.documents.send(
    new ScanCommand({ TableName: tables.names.reservations }),
  );
  return Items;
}

async function recordOf(reservationId: string | undefined) {
  return (await reservationItems()).find((item) => item.reservationId === reservationId);
}

/** The first `count` answers, in the order they arrive. */
function firstSettled<T>(promises: Promise<T>[], count: number): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const arrived: T[] = [];
    for (const promise of promises) {
      promise.then((value) => {
        arrived.push(value);
        if (arrived.length === count) resolve([...arrived]);
      }, reject);
    }
  });
}

/** The WARN and ERROR lines the test logged, as [level, message, reason or error name]. */
const problemsLogged = () =>
  output
    .logs()
    .filter((line) => line.level !== 'INFO')
    .map((line) => [line.level, line.message, line.reason ?? line.errorName]);

const createCalls = () =>
  sandbox.calls.filter((call) => call.path === '/api/v1/connect/reservations/create');

/** Sessions the sandbox (as Front Payment) holds for our reservation id. */
const sessionsFor = (reservationId: string) =>
  sandbox.reservations().filter((session) => session.customerReference === reservationId);

/** Asserts that `act` neither called Front Payment nor wrote a reservation. */
async function expectNothingHappened(act: () => Promise<unknown>) {
  const callsBefore = sandbox.calls.length;
  const itemsBefore = (await reservationItems()).length;
  await act();
  expect(sandbox.calls.length).toBe(callsBefore);
  expect(await reservationItems()).toHaveLength(itemsBefore);
}

beforeAll(async () => {
  tables = await createLocalTables();
  sandbox = await startFrontPaymentSandbox({ token: TOKEN, callbackSecret: 'unused-here' });
  handler = await coldStart();
});

afterAll(async () => {
  await sandbox.stop();
});

beforeEach(() => {
  sandbox.clearFaults();
});

describe('POST /reservations', () => {
  it('creates the session at Front Payment, records it and returns the paymentUrl', async () => {
    const request = validReservationRequest();
    const callsBefore = createCalls().length;

    const response = await post(request);

    expect(response.statusCode).toBe(201);
    const created = bodyOf(response);
    expect(created).toMatchObject({
      reservationId: expect.any(String),
      reservationUuid: expect.stringMatching(/^RES\d+$/),
      customerUuid: expect.stringMatching(/^CSRT\d+$/),
      paymentUrl: expect.stringContaining(`${sandbox.url}/checkout/`),
      status: 'SESSION_CREATED',
    });
    expect(response.headers).not.toHaveProperty('idempotent-replayed');

    const [call] = createCalls().slice(callsBefore);
    expect(call?.authorization).toBe(`Bearer ${TOKEN}`);
    expect(call?.body).toMatchObject({
      customerReference: created.reservationId,
      products: {
        '0': { name: 'Cabin night', rate: 1000, tax: '12', amount: 1120 },
        '1': { name: 'Cleaning', rate: 200, tax: '25', amount: 250 },
      },
      callback: {
        // Our id as a path segment: the callback finds the reservation without the index.
        callbackUrl: `${CALLBACK_BASE_URL}/callbacks/front-payment/${created.reservationId}`,
        success: request.callback.success,
        failure: request.callback.failure,
      },
    });

    const record = await recordOf(created.reservationId);
    expect(record).toMatchObject({
      status: 'SESSION_CREATED',
      frontPaymentUuid: created.reservationUuid,
      customerUuid: created.customerUuid,
      paymentUrl: created.paymentUrl,
      amounts: { subTotal: 1200, totalTax: 170, grandTotal: 1370 },
      preferredPaymentMethod: 'visa',
      referenceNo: 'ORDER-1001',
      requestHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(record).not.toHaveProperty('inProgressUntil');
    for (const personal of PERSONAL_VALUES) {
      expect(JSON.stringify(record)).not.toContain(personal);
      expect(output.text()).not.toContain(personal);
    }
    expect(output.text()).not.toContain(TOKEN);
  });

  it('sends our reservationId as customerReference, which Front Payment shows in its details', async () => {
    const created = bodyOf(await post(validReservationRequest()));

    const details = await fetch(
      `${sandbox.url}/api/v1/connect/reservations/details/${created.reservationUuid}`,
      { headers: { authorization: `Bearer ${TOKEN}` } },
    );

    expect(((await details.json()) as { data: unknown }).data).toMatchObject({
      reservationUuid: created.reservationUuid,
      customerReference: created.reservationId,
      referenceNumber: 'ORDER-1001',
    });
  });

  it('accepts products in the keyed form Front Payment documents', async () => {
    const request = validReservationRequest();
    const keyed = { ...request, products: { '0': request.products[0], '1': request.products[1] } };

    const response = await post(keyed);

    expect(response.statusCode).toBe(201);
    expect(createCalls().at(-1)?.body).toMatchObject({
      products: { '0': { name: 'Cabin night' }, '1': { name: 'Cleaning' } },
    });
  });
});

describe('input that cannot become a reservation', () => {
  it('lists every failing field and sends and writes nothing', async () => {
    const request = validReservationRequest();
    const invalid = {
      ...request,
      customerDetails: { ...request.customerDetails, email: 'not-an-email', personalNumber: '123' },
      submitPayment: { via: 'amex' },
    };

    await expectNothingHappened(async () => {
      const response = await post(invalid, { 'idempotency-key': 'invalid-1' });

      expect(response.statusCode).toBe(400);
      const paths = bodyOf(response).errors.map((error: { path: string }) => error.path);
      expect(paths).toEqual(
        expect.arrayContaining([
          'customerDetails.email',
          'customerDetails.personalNumber',
          'submitPayment.via',
        ]),
      );
      expect(response.body).not.toContain('not-an-email');
    });
    // Nothing was kept for the key: the corrected request goes through.
    expect((await post(request, { 'idempotency-key': 'invalid-1' })).statusCode).toBe(201);
  });

  it.each([
    ['callback.callbackUrl', { callback: { callbackUrl: 'https://attacker.example/steal' } }],
    ['customerReference', { customerReference: 'MY-OWN-REF' }],
  ])('refuses %s, which is ours', async (path, change) => {
    await expectNothingHappened(async () => {
      const response = await post({ ...validReservationRequest(), ...change });

      expect(response.statusCode).toBe(400);
      expect(bodyOf(response).errors).toContainEqual(expect.objectContaining({ path }));
    });
  });

  it.each([
    ['grandTotal 2^53 + 1', { grandTotal: 2 ** 53 + 1 }],
    ['grandTotal 1e21', { grandTotal: 1e21 }],
    ['subTotal as a 401-digit string', { subTotal: '9'.repeat(401) }],
    ['totalTax 5e-324', { totalTax: 5e-324 }],
    ['a negative grandTotal', { grandTotal: -1370 }],
  ])('refuses %s with a 400 naming the field', async (_, summary) => {
    const request = validReservationRequest();
    const [field] = Object.keys(summary);

    await expectNothingHappened(async () => {
      const response = await post(
        { ...request, orderSummary: { ...request.orderSummary, ...summary } },
        { 'idempotency-key': `money-${field}` },
      );

      expect(response.statusCode).toBe(400);
      expect(bodyOf(response).errors).toEqual([
        expect.objectContaining({ path: `orderSummary.${field}` }),
      ]);
    });
  });

  it('refuses a body nested 5,000 deep, with an Idempotency-Key, with a 400', async () => {
    const deep = `${'['.repeat(5_000)}${']'.repeat(5_000)}`;

    await expectNothingHappened(async () => {
      const response = await post(deep, { 'idempotency-key': 'deep-1' });

      expect(response.statusCode).toBe(400);
      expect(bodyOf(response)).toMatchObject({
        code: 'body-not-json',
        detail: expect.stringMatching(/nested deeper/),
      });
    });
  });

  it('refuses a create without Idempotency-Key with a 400 naming the header: a retried keyless create would send the customer two links', async () => {
    await expectNothingHappened(async () => {
      const response = await handler(
        httpApiEvent({
          method: 'POST',
          path: '/reservations',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(validReservationRequest()),
          callerArn: CALLER_A,
        }),
        lambdaContext(),
      );

      expect(response.statusCode).toBe(400);
      expect(bodyOf(response)).toMatchObject({
        code: 'idempotency-key-missing',
        detail: expect.stringMatching(/Idempotency-Key/),
        errors: [expect.objectContaining({ path: 'Idempotency-Key' })],
      });
    });
  });

  it.each([
    ['too long', 'k'.repeat(256)],
    ['with a space', 'my key'],
    ['empty', ''],
  ])('refuses an Idempotency-Key that is %s, naming the header', async (_, key) => {
    await expectNothingHappened(async () => {
      const response = await post(validReservationRequest(), { 'idempotency-key': key });

      expect(response.statusCode).toBe(400);
      expect(bodyOf(response).errors).toEqual([
        expect.objectContaining({ path: 'Idempotency-Key' }),
      ]);
    });
  });

  it.each([
    [
      'malformed JSON',
      '{"customerDetails": ',
      { 'content-type': 'application/json' },
      400,
      'body-not-json',
    ],
    [
      'a wrong content type',
      'a=b',
      { 'content-type': 'application/x-www-form-urlencoded' },
      415,
      'unsupported-media-type',
    ],
    ['an empty body', '', {}, 400, 'body-not-object'],
    ['a literal null', 'null', { 'content-type': 'application/json' }, 400, 'body-not-object'],
    ['an array', '[{}]', { 'content-type': 'application/json' }, 400, 'body-not-object'],
    ['a string', '"hello"', { 'content-type': 'application/json' }, 400, 'body-not-object'],
    [
      'a charset other than UTF-8',
      '{}',
      { 'content-type': 'application/json; charset=latin1' },
      415,
      'unsupported-media-type',
    ],
    [
      'an oversized body',
      `{"x":"${'a'.repeat(70_000)}"}`,
      { 'content-type': 'application/json' },
      413,
      'body-too-large',
    ],
  ])('answers %s with a clear 4xx', async (_, body, headers, statusCode, code) => {
    await expectNothingHappened(async () => {
      const response = await handler(
        httpApiEvent({ method: 'POST', path: '/reservations', headers, body }),
        lambdaContext(),
      );

      expect(response.statusCode).toBe(statusCode);
      expect(response.headers?.['content-type']).toBe('application/problem+json');
      expect(bodyOf(response)).toMatchObject({
        status: statusCode,
        code,
        detail: expect.any(String),
      });
    });
  });

  it('answers a request without a caller identity as a misconfiguration, writing nothing', async () => {
    await expectNothingHappened(async () => {
      const response = await post(validReservationRequest(), {}, { none: true });

      expect(response.statusCode).toBe(500);
      expect(bodyOf(response)).toMatchObject({
        code: 'misconfigured',
        detail: 'The integration is misconfigured',
        retryable: false,
      });
    });
  });
});

/**
 * Front Payment's answers on create and what each means for "was a session created?"
 * (docs/create-session.md has the same table).
 */
const ANSWER_TABLE: readonly {
  readonly answer: string;
  readonly fault: SandboxFault;
  readonly statusCode: number;
  readonly retryable: boolean;
  readonly recordStatus: 'SESSION_FAILED' | 'SESSION_OUTCOME_UNKNOWN';
  readonly reason: string;
}[] = [
  known(400, 422, false, 'rejected'),
  known(401, 502, false, 'unauthorized'),
  known(403, 502, false, 'unauthorized'),
  known(404, 502, false, 'misconfigured'),
  known(408, 502, true, 'unavailable'),
  known(417, 422, false, 'rejected'),
  known(422, 422, false, 'rejected'),
  known(429, 502, true, 'unavailable'),
  known(503, 502, true, 'unavailable'),
  ambiguous(500),
  ambiguous(502),
  ambiguous(504),
  ambiguous(510),
  {
    answer: 'a broken answer',
    fault: { kind: 'broken-answer' },
    statusCode: 502,
    retryable: false,
    recordStatus: 'SESSION_OUTCOME_UNKNOWN',
    reason: 'protocol',
  },
  {
    answer: 'a connection broken after sending',
    fault: { kind: 'drop-connection' },
    statusCode: 502,
    retryable: false,
    recordStatus: 'SESSION_OUTCOME_UNKNOWN',
    reason: 'interrupted',
  },
  {
    answer: 'no answer within the timeout',
    fault: { kind: 'delay', delayMs: 2_500 },
    statusCode: 504,
    retryable: false,
    recordStatus: 'SESSION_OUTCOME_UNKNOWN',
    reason: 'timeout',
  },
];

function known(status: SandboxFaultStatus, statusCode: number, retryable: boolean, reason: string) {
  return {
    answer: `HTTP ${status}`,
    fault: { kind: 'status', statusCode: status } as const,
    statusCode,
    retryable,
    recordStatus: 'SESSION_FAILED' as const,
    reason,
  };
}

function ambiguous(status: 500 | 502 | 504 | 510) {
  return {
    answer: `HTTP ${status}`,
    fault: { kind: 'status', statusCode: status } as const,
    statusCode: 502,
    retryable: false,
    recordStatus: 'SESSION_OUTCOME_UNKNOWN' as const,
    reason: 'server-error',
  };
}

describe("Front Payment's answers on create", () => {
  it.each(ANSWER_TABLE)(
    '$answer: $statusCode to the merchant, record $recordStatus ($reason)',
    async ({ fault, statusCode, retryable, recordStatus, reason }) => {
      sandbox.injectFault(fault);
      const key = `answer-${randomUUID()}`;
      const request = validReservationRequest();

      const response = await post(request, { 'idempotency-key': key });

      expect(response.statusCode).toBe(statusCode);
      expect(bodyOf(response).retryable).toBe(retryable);
      const record = (await reservationItems()).find(
        (item) => item.status === recordStatus && item.failure?.reason === reason,
      );
      expect(record).toBeDefined();
      expect(problemsLogged()).toContainEqual(['WARN', 'checkout session not created', reason]);
      // What a retry with the same key gets: a new try when surely nothing was created, else 409.
      const callsBefore = createCalls().length;
      const retry = await post(request, { 'idempotency-key': key });
      if (recordStatus === 'SESSION_FAILED') {
        expect(retry.statusCode).toBe(201);
        expect(createCalls().length).toBe(callsBefore + 1);
      } else {
        expect(retry.statusCode).toBe(409);
        expect(bodyOf(retry)).toMatchObject({ retryable: false });
        expect(createCalls().length).toBe(callsBefore);
      }
      await sandbox.settled();
    },
  );

  it('treats a refused connection as surely not created: 502 retryable, SESSION_FAILED', async () => {
    // A free port nobody listens on: the connection is refused before anything is sent.
    const port = await findFreePort();
    const request = validReservationRequest();
    const first = await withHandler({ FRONT_PAYMENT_BASE_URL: `http://127.0.0.1:${port}` }, () =>
      post(request, { 'idempotency-key': 'unreachable-1' }),
    );

    const retry = await post(request, { 'idempotency-key': 'unreachable-1' });

    expect(first.statusCode).toBe(502);
    expect(bodyOf(first).retryable).toBe(true);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers).not.toHaveProperty('idempotent-replayed');
  });

  it('keeps a 500 that came after Front Payment stored the session as unknown, never sending twice', async () => {
    sandbox.injectFault({ kind: 'status', statusCode: 500, afterCommit: true });
    const request = validReservationRequest();

    const first = await post(request, { 'idempotency-key': 'after-commit' });
    const retry = await post(request, { 'idempotency-key': 'after-commit' });

    const { reservationId } = bodyOf(first);
    expect(first.statusCode).toBe(502);
    expect(retry.statusCode).toBe(409);
    // The session exists at Front Payment and can be found by our id.
    expect(sessionsFor(reservationId)).toHaveLength(1);
    expect(await recordOf(reservationId)).toMatchObject({
      status: 'SESSION_OUTCOME_UNKNOWN',
      failure: { reason: 'server-error', frontPaymentStatusCode: 500 },
    });
  });

  it('turns a refused token into a 502 that does not leak the token', async () => {
    const response = await withHandler({ FRONT_PAYMENT_TOKEN: 'wrong-token-1234' }, () =>
      post(validReservationRequest()),
    );

    expect(response.statusCode).toBe(502);
    expect(bodyOf(response)).toMatchObject({
      code: 'misconfigured',
      detail: 'Front Payment refused our credentials: the integration is misconfigured',
      retryable: false,
    });
    expect(output.text()).not.toContain('wrong-token-1234');
  });

  it('gives Front Payment 417 field messages back as 422', async () => {
    sandbox.injectFault({ kind: 'status', statusCode: 417 });

    const response = await post(validReservationRequest());

    expect(response.statusCode).toBe(422);
    expect(bodyOf(response).errors.length).toBeGreaterThan(0);
  });
});

describe('when a dependency fails before Front Payment is called', () => {
  it('reads the token before writing anything: an unreadable secret leaves no CREATING record', async () => {
    const port = await findFreePort();

    await expectNothingHappened(async () => {
      const response = await withHandler(
        {
          FRONT_PAYMENT_TOKEN_ARN: 'arn:aws:secretsmanager:eu-north-1:123456789012:secret:fp',
          AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${port}`,
        },
        () => post(validReservationRequest(), { 'idempotency-key': 'no-secret' }),
      );

      expect(response.statusCode).toBe(500);
      expect(bodyOf(response)).toMatchObject({ retryable: false });
    });
  });

  it('gives up on a Secrets Manager that accepts the connection and never answers', async () => {
    // Without the client's request timeout this would hang until the test's own timeout.
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      await expectNothingHappened(async () => {
        const response = await withHandler(
          {
            FRONT_PAYMENT_TOKEN_ARN: 'arn:aws:secretsmanager:eu-north-1:123456789012:secret:fp',
            AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${port}`,
          },
          () => post(validReservationRequest(), { 'idempotency-key': 'silent-secret' }),
        );

        expect(response.statusCode).toBe(500);
        expect(bodyOf(response)).toMatchObject({ retryable: false });
      });
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('answers a failing reservations table with a retryable 500 and never calls Front Payment', async () => {
    const callsBefore = sandbox.calls.length;

    const response = await withHandler({ RESERVATIONS_TABLE_NAME: 'missing-table' }, () =>
      post(validReservationRequest(), { 'idempotency-key': 'db-500' }),
    );

    expect(response.statusCode).toBe(500);
    expect(bodyOf(response).retryable).toBe(true);
    expect(sandbox.calls.length).toBe(callsBefore);
  });

  it('refuses FRONT_PAYMENT_TIMEOUT_MS=0 at cold start', async () => {
    // Another module instance after the reset, so the class is checked by name.
    await expect(coldStart({ FRONT_PAYMENT_TIMEOUT_MS: '0' })).rejects.toMatchObject({
      name: 'ConfigurationError',
      message: expect.stringContaining('FRONT_PAYMENT_TIMEOUT_MS'),
    });
    handler = await coldStart();
  });
});

describe('Idempotency-Key', () => {
  it('returns the first answer to a retry and calls Front Payment once', async () => {
    const request = validReservationRequest();
    const callsBefore = createCalls().length;

    const first = await post(request, { 'idempotency-key': 'same-key-1' });
    const retry = await post(request, { 'idempotency-key': 'same-key-1' });

    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(201);
    expect(bodyOf(retry)).toEqual(bodyOf(first));
    expect(retry.headers).toMatchObject({ 'idempotent-replayed': 'true' });
    expect(createCalls().length).toBe(callsBefore + 1);
  });

  it('treats the same order in another key order and number spelling as the same request', async () => {
    const request = validReservationRequest();
    const first = await post(request, { 'idempotency-key': 'respelled-1' });
    const callsAfterFirst = createCalls().length;

    const retry = await post(respelled(request), { 'idempotency-key': 'respelled-1' });

    expect(retry.statusCode).toBe(201);
    expect(retry.headers).toMatchObject({ 'idempotent-replayed': 'true' });
    expect(bodyOf(retry)).toEqual(bodyOf(first));
    expect(createCalls().length).toBe(callsAfterFirst);
  });

  it('answers the same key with other content with 409 and keeps the first answer', async () => {
    const request = validReservationRequest();
    const first = await post(request, { 'idempotency-key': 'same-key-2' });

    const other = await post(
      { ...request, referenceNo: 'ORDER-OTHER' },
      { 'idempotency-key': 'same-key-2' },
    );
    const retry = await post(request, { 'idempotency-key': 'same-key-2' });

    expect(other.statusCode).toBe(409);
    expect(bodyOf(other)).toMatchObject({ retryable: false });
    expect(retry.statusCode).toBe(201);
    expect(retry.headers).toMatchObject({ 'idempotent-replayed': 'true' });
    expect(bodyOf(retry)).toEqual(bodyOf(first));
  });

  it('answers other content with 409 also after a failure that allows a retry', async () => {
    const request = validReservationRequest();
    sandbox.injectFault({ kind: 'status', statusCode: 503 });
    const first = await post(request, { 'idempotency-key': 'failed-then-other' });

    const other = await post(
      { ...request, orderSummary: { ...request.orderSummary, grandTotal: 1 } },
      { 'idempotency-key': 'failed-then-other' },
    );

    expect(first.statusCode).toBe(502);
    expect(other.statusCode).toBe(409);
  });

  it('reproduction: after an unknown outcome, the respelled retry with a new due date gets 409 and Front Payment holds one session', async () => {
    const request = validReservationRequest();
    sandbox.injectFault({ kind: 'delay', delayMs: 2_500 });
    const first = await post(request, { 'idempotency-key': 'k' });
    const { reservationId } = bodyOf(first);
    const recomputed = validReservationRequest(new Date(Date.now() + 90_000));
    const callsBefore = createCalls().length;

    const retry = await post(
      respelled({ ...request, dueDateForPaymentLink: recomputed.dueDateForPaymentLink }),
      {
        'idempotency-key': 'k',
      },
    );
    // The sandbox, like Front Payment, finishes the slow create after we gave up.
    await vi.waitFor(() => expect(sessionsFor(reservationId)).toHaveLength(1), { timeout: 5_000 });

    expect(first.statusCode).toBe(504);
    expect(retry.statusCode).toBe(409);
    expect(bodyOf(retry)).toMatchObject({ reservationId, retryable: false });
    expect(createCalls().length).toBe(callsBefore);
    expect(sessionsFor(reservationId)).toHaveLength(1);
  });

  it("scopes keys to the caller: client B with A's key and body gets its own reservation", async () => {
    const request = validReservationRequest();
    const clientA = { jwt: { iss: 'https://issuer.example', sub: 'client-a' } };
    const clientB = { jwt: { iss: 'https://issuer.example', sub: 'client-b' } };

    const a = await post(request, { 'idempotency-key': 'shared-key' }, clientA);
    const b = await post(request, { 'idempotency-key': 'shared-key' }, clientB);
    const iam = await post(request, { 'idempotency-key': 'shared-key' }, { iam: CALLER_A });
    const aAgain = await post(request, { 'idempotency-key': 'shared-key' }, clientA);

    expect([a.statusCode, b.statusCode, iam.statusCode]).toEqual([201, 201, 201]);
    expect(b.headers).not.toHaveProperty('idempotent-replayed');
    expect(bodyOf(b).reservationId).not.toBe(bodyOf(a).reservationId);
    expect(bodyOf(b).paymentUrl).not.toBe(bodyOf(a).paymentUrl);
    expect(bodyOf(iam).reservationId).not.toBe(bodyOf(a).reservationId);
    expect(bodyOf(aAgain)).toEqual(bodyOf(a));
  });

  it('reproduction: one role in two sessions (two tasks, a refreshed credential) is one caller: one session, replayed', async () => {
    const request = validReservationRequest();
    const taskA = { iam: 'arn:aws:sts::123456789012:assumed-role/merchant-app/task-a' };
    const taskB = { iam: 'arn:aws:sts::123456789012:assumed-role/merchant-app/1767225600000' };
    const callsBefore = createCalls().length;

    const first = await post(request, { 'idempotency-key': 'two-sessions' }, taskA);
    const retry = await post(request, { 'idempotency-key': 'two-sessions' }, taskB);

    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers).toMatchObject({ 'idempotent-replayed': 'true' });
    expect(bodyOf(retry)).toEqual(bodyOf(first));
    expect(createCalls().length).toBe(callsBefore + 1);
    expect(sessionsFor(bodyOf(first).reservationId)).toHaveLength(1);
  });

  it('keeps another role, and an IAM user, apart from the role: their keys never meet', async () => {
    const request = validReservationRequest();
    const role = { iam: 'arn:aws:sts::123456789012:assumed-role/merchant-app/task-a' };
    const otherRole = { iam: 'arn:aws:sts::123456789012:assumed-role/reporting/task-a' };
    const otherAccount = { iam: 'arn:aws:sts::210987654321:assumed-role/merchant-app/task-a' };
    const user = { iam: 'arn:aws:iam::123456789012:user/merchant-app' };

    const answers = await Promise.all(
      [role, otherRole, otherAccount, user].map((caller) =>
        post(request, { 'idempotency-key': 'apart-1' }, caller),
      ),
    );

    expect(answers.map((answer) => answer.statusCode)).toEqual([201, 201, 201, 201]);
    expect(new Set(answers.map((answer) => bodyOf(answer).reservationId)).size).toBe(4);
  });

  it('uses client_id when a JWT has no sub', async () => {
    const request = validReservationRequest();
    const caller = { jwt: { iss: 'https://issuer.example', client_id: 'app-7' } };

    const first = await post(request, { 'idempotency-key': 'client-id-key' }, caller);
    const retry = await post(request, { 'idempotency-key': 'client-id-key' }, caller);

    expect(first.statusCode).toBe(201);
    expect(bodyOf(retry)).toEqual(bodyOf(first));
  });

  it('creates exactly one session for concurrent duplicates', async () => {
    const request = validReservationRequest();
    const callsBefore = createCalls().length;
    sandbox.injectFault({ kind: 'delay', delayMs: 1_500 });

    // Whichever request writes the reservation first wins; which one that is, is up to the
    // scheduler. Every other spelling of the same content is the same request.
    const attempts = Array.from({ length: 5 }, (_, index) =>
      post(index % 2 === 0 ? request : respelled(request), { 'idempotency-key': 'concurrent-1' }),
    );
    const refused = await firstSettled(attempts, 4);
    // The winner is still waiting for Front Payment: a late duplicate is told "in progress".
    const late = await post(request, { 'idempotency-key': 'concurrent-1' });
    const answers = await Promise.all(attempts);

    expect(refused.map((response) => response.statusCode)).toEqual([409, 409, 409, 409]);
    for (const duplicate of [...refused, late]) {
      expect(bodyOf(duplicate)).toMatchObject({ retryable: true });
      expect(duplicate.headers).toMatchObject({ 'retry-after': '1' });
    }
    const winners = answers.filter((response) => response.statusCode === 201);
    expect(winners).toHaveLength(1);
    expect(late.statusCode).toBe(409);
    const retry = await post(request, { 'idempotency-key': 'concurrent-1' });
    expect(retry.statusCode).toBe(201);
    expect(bodyOf(retry)).toEqual(bodyOf(winners[0] as APIGatewayProxyStructuredResultV2));
    expect(createCalls().length).toBe(callsBefore + 1);
  });

  it('treats an attempt past its Lambda deadline as dead: its outcome is unknown, not in progress', async () => {
    const request = validReservationRequest();
    sandbox.injectFault({ kind: 'delay', delayMs: 600 });
    const callsBefore = createCalls().length;

    // The first attempt's Lambda would have been stopped after 100 ms; here it runs on.
    const first = post(
      request,
      { 'idempotency-key': 'died-1' },
      { iam: CALLER_A },
      lambdaContext(100),
    );
    await vi.waitFor(() => expect(createCalls().length).toBe(callsBefore + 1));
    await new Promise((resolve) => setTimeout(resolve, 150));
    const retry = await post(request, { 'idempotency-key': 'died-1' });
    const marked = await recordOf(bodyOf(retry).reservationId);

    expect(retry.statusCode).toBe(409);
    expect(bodyOf(retry)).toMatchObject({ retryable: false, reservationId: expect.any(String) });
    expect(createCalls().length).toBe(callsBefore + 1);
    // Marked for reconciliation by the retry, then settled by the late answer (in AWS the first
    // Lambda would be gone and the record would stay SESSION_OUTCOME_UNKNOWN).
    expect(marked).toMatchObject({
      status: 'SESSION_OUTCOME_UNKNOWN',
      failure: { reason: 'interrupted' },
    });
    expect((await first).statusCode).toBe(504);
    expect(bodyOf(await first)).toMatchObject({ retryable: false });
    await vi.waitFor(async () =>
      expect(await recordOf(bodyOf(retry).reservationId)).toMatchObject({
        status: 'SESSION_CREATED',
      }),
    );
    expect(await recordOf(bodyOf(retry).reservationId)).not.toHaveProperty('failure');
  });
});

describe('the reservation repository', () => {
  it('recognises its own committed write when a retried recordSessionCreated fails its condition', async () => {
    const repository = createReservationRepository(tables.documents, tables.names.reservations);
    const reservationId = `repo-${Date.now()}`;
    await repository.startCreating({
      reservationId,
      amounts: { subTotal: 1, totalTax: 0, grandTotal: 1 },
      preferredPaymentMethod: 'visa',
      requestHash: 'h',
      owner: 'test-owner',
      inProgressUntil: Date.now() + 10_000,
      at: new Date(),
    });
    const session = {
      reservationUuid: 'RES1',
      customerUuid: 'CSRT1',
      paymentUrl: 'https://pay.example/1',
    };

    const first = await repository.recordSessionCreated(reservationId, session, new Date());
    // What the SDK's retry of a write whose answer was lost sees: the condition no longer holds.
    const again = await repository.recordSessionCreated(reservationId, session, new Date());

    expect(again).toEqual(first);
    await expect(
      repository.recordSessionCreated(
        reservationId,
        { ...session, reservationUuid: 'RES2' },
        new Date(),
      ),
    ).rejects.toThrow(/conditional/i);
  });
});
