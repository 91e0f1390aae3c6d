import { DeleteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { findFreePort } from '../../infra/local/free-port.ts';
import {
  type RunningFrontPaymentSandbox,
  startFrontPaymentSandbox,
} from '../../infra/local/front-payment-sandbox/index.ts';
import { httpApiEvent, lambdaContext } from '../support/api-gateway-events.ts';
import { captureOutput } from '../support/captured-output.ts';
import { createLocalTables, type LocalTables } from '../support/local-tables.ts';
import { PERSONAL_VALUES, validReservationRequest } from '../support/reservation-requests.ts';

const TOKEN = 'sandbox-token-7f3a';
const CALLBACK_BASE_URL = 'https://api.example.test';

type Handler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

let tables: LocalTables;
let sandbox: RunningFrontPaymentSandbox;
let handler: Handler;
const output = captureOutput();

/** Imports the handler afresh, as a cold start with this environment would. */
async function coldStart(overrides: Record<string, string> = {}): Promise<Handler> {
  Object.assign(process.env, {
    AWS_REGION: 'eu-north-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: tables.endpoint,
    RESERVATIONS_TABLE_NAME: tables.names.reservations,
    IDEMPOTENCY_TABLE_NAME: tables.names.idempotency,
    FRONT_PAYMENT_BASE_URL: sandbox.url,
    FRONT_PAYMENT_TOKEN: TOKEN,
    CALLBACK_BASE_URL,
    FRONT_PAYMENT_TIMEOUT_MS: '2000',
    ...overrides,
  });
  vi.resetModules();
  const module = await import('../../functions/create-session/handler.ts');
  return module.handler as Handler;
}

function post(body: unknown, headers: Record<string, string> = {}) {
  return handler(
    httpApiEvent({
      method: 'POST',
      path: '/reservations',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
    lambdaContext(),
  );
}

const bodyOf = (response: APIGatewayProxyStructuredResultV2) => JSON.parse(response.body ?? '');

async function itemsIn(tableName: string) {
  const { Items = [] } = await tables.documents.send(new ScanCommand({ TableName: tableName }));
  return Items;
}

async function recordOf(reservationId: string | undefined) {
  const items = await itemsIn(tables.names.reservations);
  return items.find((item) => item.reservationId === reservationId);
}

const createCalls = () =>
  sandbox.calls.filter((call) => call.path === '/api/v1/connect/reservations/create');

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

    const [call] = createCalls().slice(callsBefore);
    expect(call?.authorization).toBe(`Bearer ${TOKEN}`);
    expect(call?.body).toMatchObject({
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

    const record = (await itemsIn(tables.names.reservations)).find(
      (item) => item.reservationId === created.reservationId,
    );
    expect(record).toMatchObject({
      status: 'SESSION_CREATED',
      frontPaymentUuid: created.reservationUuid,
      customerUuid: created.customerUuid,
      paymentUrl: created.paymentUrl,
      amounts: { subTotal: 1200, totalTax: 170, grandTotal: 1370 },
      preferredPaymentMethod: 'visa',
      referenceNo: 'ORDER-1001',
    });
    for (const personal of PERSONAL_VALUES) {
      expect(JSON.stringify(record)).not.toContain(personal);
      expect(output.text()).not.toContain(personal);
    }
    expect(output.text()).not.toContain(TOKEN);
  });

  it('accepts products in the keyed form of the seed', async () => {
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
  async function expectNothingHappened(act: () => Promise<unknown>) {
    const callsBefore = sandbox.calls.length;
    const reservationsBefore = (await itemsIn(tables.names.reservations)).length;
    await act();
    expect(sandbox.calls.length).toBe(callsBefore);
    expect(await itemsIn(tables.names.reservations)).toHaveLength(reservationsBefore);
  }

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
    // The idempotency lock of the refused attempt is released, so a corrected retry can run.
    expect(await itemsIn(tables.names.idempotency)).not.toContainEqual(
      expect.objectContaining({ id: expect.stringContaining('invalid-1') }),
    );
  });

  it('refuses a callbackUrl set by the caller', async () => {
    const request = validReservationRequest();
    const withCallbackUrl = {
      ...request,
      callback: { ...request.callback, callbackUrl: 'https://attacker.example/steal' },
    };

    await expectNothingHappened(async () => {
      const response = await post(withCallbackUrl);

      expect(response.statusCode).toBe(400);
      expect(bodyOf(response).errors).toContainEqual(
        expect.objectContaining({ path: 'callback.callbackUrl' }),
      );
    });
  });

  it.each([
    ['malformed JSON', '{"customerDetails": ', { 'content-type': 'application/json' }, 400],
    ['a wrong content type', 'a=b', { 'content-type': 'application/x-www-form-urlencoded' }, 415],
    [
      'an oversized body',
      `{"x":"${'a'.repeat(70_000)}"}`,
      { 'content-type': 'application/json' },
      413,
    ],
  ])('answers %s with a clear 4xx', async (_, body, headers, statusCode) => {
    await expectNothingHappened(async () => {
      const response = await handler(
        httpApiEvent({ method: 'POST', path: '/reservations', headers, body }),
        lambdaContext(),
      );

      expect(response.statusCode).toBe(statusCode);
      expect(bodyOf(response).message).toEqual(expect.any(String));
    });
  });
});

describe('when Front Payment fails', () => {
  it("turns its 417 into 422 with Front Payment's field messages and records the failure", async () => {
    sandbox.injectFault({ kind: 'status', statusCode: 417 });

    const response = await post(validReservationRequest(), { 'idempotency-key': 'fp-417' });

    expect(response.statusCode).toBe(422);
    expect(bodyOf(response).errors.length).toBeGreaterThan(0);
    const record = (await itemsIn(tables.names.reservations)).find(
      (item) => item.failure?.reason === 'rejected',
    );
    expect(record).toMatchObject({ status: 'SESSION_FAILED', failure: { retryable: false } });
  });

  it('turns a refused token into a 502 that does not leak the token', async () => {
    handler = await coldStart({ FRONT_PAYMENT_TOKEN: 'wrong-token-1234' });
    try {
      const response = await post(validReservationRequest());

      expect(response.statusCode).toBe(502);
      expect(bodyOf(response)).toEqual({
        message: 'Front Payment refused our credentials: the integration is misconfigured',
        retryable: false,
      });
      expect(output.text()).not.toContain('wrong-token-1234');
    } finally {
      handler = await coldStart();
    }
  });

  it.each([500, 510] as const)('turns its %i into a retryable 502', async (statusCode) => {
    sandbox.injectFault({ kind: 'status', statusCode });

    const response = await post(validReservationRequest());

    expect(response.statusCode).toBe(502);
    expect(bodyOf(response).retryable).toBe(true);
  });

  it('gives up on a slow answer with 504, and never creates again what may exist', async () => {
    handler = await coldStart({ FRONT_PAYMENT_TIMEOUT_MS: '200' });
    try {
      const request = validReservationRequest();
      sandbox.injectFault({ kind: 'delay', delayMs: 1_000 });

      const response = await post(request, { 'idempotency-key': 'slow-1' });
      const callsAfterFirst = createCalls().length;
      const retry = await post(request, { 'idempotency-key': 'slow-1' });

      // The sandbox, like Front Payment, may still create the session after we gave up.
      expect(response.statusCode).toBe(504);
      expect(bodyOf(response)).toMatchObject({
        retryable: false,
        reservationId: expect.any(String),
      });
      expect(await recordOf(bodyOf(response).reservationId)).toMatchObject({
        status: 'SESSION_OUTCOME_UNKNOWN',
        failure: { reason: 'timeout', retryable: false },
      });
      expect(retry.statusCode).toBe(409);
      expect(bodyOf(retry).reservationId).toBe(bodyOf(response).reservationId);
      expect(createCalls().length).toBe(callsAfterFirst);
    } finally {
      handler = await coldStart();
    }
  });

  it('treats a connection broken after sending as an unknown outcome (502)', async () => {
    sandbox.injectFault({ kind: 'drop-connection' });

    const response = await post(validReservationRequest(), { 'idempotency-key': 'dropped-1' });

    expect(response.statusCode).toBe(502);
    expect(bodyOf(response).retryable).toBe(false);
    expect(await recordOf(bodyOf(response).reservationId)).toMatchObject({
      status: 'SESSION_OUTCOME_UNKNOWN',
      failure: { reason: 'interrupted' },
    });
  });

  it('records an unreachable Front Payment as failed, and a retry creates the session', async () => {
    // A free port nobody listens on: the connection is refused before anything is sent.
    handler = await coldStart({
      FRONT_PAYMENT_BASE_URL: `http://127.0.0.1:${await findFreePort()}`,
    });
    const request = validReservationRequest();
    let first: APIGatewayProxyStructuredResultV2;
    try {
      first = await post(request, { 'idempotency-key': 'unreachable-1' });
    } finally {
      handler = await coldStart();
    }

    const retry = await post(request, { 'idempotency-key': 'unreachable-1' });

    expect(first.statusCode).toBe(502);
    expect(bodyOf(first).retryable).toBe(true);
    expect(retry.statusCode).toBe(201);
  });

  it('creates the session on a retry with the same key after a retryable failure', async () => {
    const request = validReservationRequest();
    sandbox.injectFault({ kind: 'status', statusCode: 500 });
    const first = await post(request, { 'idempotency-key': 'retry-after-500' });
    const callsAfterFirst = createCalls().length;

    const second = await post(request, { 'idempotency-key': 'retry-after-500' });

    expect(first.statusCode).toBe(502);
    expect(second.statusCode).toBe(201);
    expect(createCalls().length).toBe(callsAfterFirst + 1);
    expect(await recordOf(bodyOf(second).reservationId)).toMatchObject({
      status: 'SESSION_CREATED',
    });
    expect((await recordOf(bodyOf(second).reservationId))?.failure).toBeUndefined();
  });
});

describe('when DynamoDB fails', () => {
  it.each([
    ['the idempotency store', { IDEMPOTENCY_TABLE_NAME: 'missing-idempotency-table' }, 503],
    ['the reservations table', { RESERVATIONS_TABLE_NAME: 'missing-reservations-table' }, 500],
  ])(
    'answers a failing %s with a retryable 5xx and never calls Front Payment',
    async (_, environment, statusCode) => {
      handler = await coldStart(environment);
      try {
        const callsBefore = sandbox.calls.length;

        const response = await post(validReservationRequest(), {
          'idempotency-key': `db-${statusCode}`,
        });

        expect(response.statusCode).toBe(statusCode);
        expect(bodyOf(response).retryable).toBe(true);
        expect(sandbox.calls.length).toBe(callsBefore);
      } finally {
        handler = await coldStart();
      }
    },
  );
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

  it('answers the same key with another body with 409 and keeps the first answer', async () => {
    const request = validReservationRequest();
    const first = await post(request, { 'idempotency-key': 'same-key-2' });

    const other = await post(
      { ...request, referenceNo: 'ORDER-OTHER' },
      { 'idempotency-key': 'same-key-2' },
    );
    const retry = await post(request, { 'idempotency-key': 'same-key-2' });

    expect(other.statusCode).toBe(409);
    // Regression for Powertools #5675: the 409 must not delete the completed record.
    expect(retry.statusCode).toBe(201);
    expect(retry.headers).toMatchObject({ 'idempotent-replayed': 'true' });
    expect(bodyOf(retry)).toEqual(bodyOf(first));
  });

  it('finds the first reservation when the idempotency record is gone (expired)', async () => {
    const request = validReservationRequest();
    const first = await post(request, { 'idempotency-key': 'expired-key' });
    const callsAfterFirst = createCalls().length;
    for (const item of await itemsIn(tables.names.idempotency)) {
      await tables.documents.send(
        new DeleteCommand({ TableName: tables.names.idempotency, Key: { id: item.id } }),
      );
    }

    const late = await post(request, { 'idempotency-key': 'expired-key' });

    expect(late.statusCode).toBe(201);
    expect(bodyOf(late)).toEqual(bodyOf(first));
    expect(createCalls().length).toBe(callsAfterFirst);
  });

  it('creates exactly one session for concurrent duplicates', async () => {
    const request = validReservationRequest();
    const callsBefore = createCalls().length;
    sandbox.injectFault({ kind: 'delay', delayMs: 1_500 });

    const first = post(request, { 'idempotency-key': 'concurrent-1' });
    const duplicates = await Promise.all(
      Array.from({ length: 4 }, () => post(request, { 'idempotency-key': 'concurrent-1' })),
    );
    // Regression for Powertools #5675: after the duplicates' 409s, the first call must still hold
    // its lock, so a late duplicate is told "in progress" rather than running again.
    const late = await post(request, { 'idempotency-key': 'concurrent-1' });
    const winner = await first;

    expect(winner.statusCode).toBe(201);
    expect(duplicates.map((response) => response.statusCode)).toEqual([409, 409, 409, 409]);
    expect(late.statusCode).toBe(409);
    expect(bodyOf(late)).toMatchObject({ retryable: true });
    expect(late.headers).toMatchObject({ 'retry-after': '1' });
    const retry = await post(request, { 'idempotency-key': 'concurrent-1' });
    expect(retry.statusCode).toBe(201);
    expect(bodyOf(retry)).toEqual(bodyOf(winner));
    expect(createCalls().length).toBe(callsBefore + 1);
  });
});
