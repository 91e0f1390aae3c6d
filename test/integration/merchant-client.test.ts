import { randomUUID } from 'node:crypto';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sampleReservationRequest } from '../../infra/local/sample-reservation.ts';
import {
  createMerchantClient,
  MerchantApiError,
  MerchantApiUnreachableError,
  type MerchantClientOptions,
} from '../../shared/client/index.ts';
import {
  type ProxyExchange,
  type RunningFaultProxy,
  startFaultProxy,
} from '../support/fault-proxy.ts';
import { useLocalStack } from '../support/local-stack.ts';

const suffix = randomUUID().slice(0, 8);
const REGION = 'eu-north-1';
const CREDENTIALS = { accessKeyId: 'AKIACLIENTTEST', secretAccessKey: `secret-${suffix}` };

// The sweeper runs every half second: the client's tests wait for events as a merchant would.
const local = useLocalStack({ publishPendingIntervalMs: 500 });
let proxy: RunningFaultProxy;

beforeAll(async () => {
  // Between the client and the API: it logs every exchange and can fail one on the wire.
  proxy = await startFaultProxy(local.stack.urls.api);
});

afterAll(() => proxy?.stop());

beforeEach(() => proxy.disarm());

/** The client as a merchant's service builds it, signing with its own AWS credentials. */
function client(options: Partial<MerchantClientOptions> = {}) {
  return createMerchantClient({
    baseUrl: proxy.url,
    auth: { kind: 'sigv4', region: REGION, credentials: CREDENTIALS },
    // Short backoffs keep the suite quick; the arithmetic is unit-tested.
    retry: { baseDelayMs: 20, maxDelayMs: 100 },
    ...options,
  });
}

/** The next request to `path` is refused as API Gateway throttles: 429, no problem details. */
function throttleNext(path: string) {
  proxy.arm({
    name: 'throttled',
    matches: (request) => request.path === path,
    action: {
      kind: 'refuse',
      status: 429,
      contentType: 'application/json',
      body: '{"message":"Too Many Requests"}',
    },
  });
}

async function createdReservation(referenceNo = `CLIENT-${suffix}`) {
  return client().createReservation(
    sampleReservationRequest({ returnBaseUrl: local.stack.urls.api, referenceNo }),
  );
}

async function paidReservation() {
  const created = await createdReservation();
  await local.stack.sandbox?.pay(created.reservationUuid, 'visa');
  return created;
}

/** Front Payment calls of one kind for one reservation. */
function callsTo(operation: string, reservationUuid: string) {
  return (local.stack.sandbox?.calls ?? []).filter(
    (call) => call.path === `/api/v1/connect/reservations/${operation}/${reservationUuid}`,
  );
}

function exchangesTo(path: string): ProxyExchange[] {
  return proxy.exchanges.filter((exchange) => exchange.path === path);
}

/** The error a call rejects with (the test fails when it resolves). */
async function errorOf(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    (answer) => {
      throw new Error(`expected an error, got ${JSON.stringify(answer)}`);
    },
    (error: unknown) => error,
  );
}

/** Waits until `condition` holds (polling, no fixed sleep). */
async function until(condition: () => boolean, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('each method against the local stack', () => {
  it('creates a reservation and reads it, refreshed from Front Payment', async () => {
    const created = await createdReservation(`CREATE-${suffix}`);
    expect(created).toMatchObject({
      reservationId: expect.any(String),
      reservationUuid: expect.stringMatching(/^RES/),
      status: 'SESSION_CREATED',
    });
    expect(created.paymentUrl).toContain('/checkout/');
    await local.stack.sandbox?.pay(created.reservationUuid, 'visa');

    const refreshed = await client().getReservation(created.reservationId, { refresh: true });
    const read = await client().getReservation(created.reservationId);

    expect(refreshed).toMatchObject({ status: 'RESERVED', cumulative: { reserved: 1370 } });
    expect(read).toMatchObject({ reservationId: created.reservationId, status: 'RESERVED' });
    expect(exchangesTo(`/reservations/${created.reservationId}?refresh=true`)).toHaveLength(1);
  });

  it('captures, charges, refunds and completes, each accepted once by Front Payment', async () => {
    const { reservationId, reservationUuid } = await paidReservation();
    const merchant = client();

    const capture = await merchant.capture(reservationId, { lines: [{ index: 0, amount: 1120 }] });
    const charge = await merchant.charge(reservationId, {
      products: [{ name: 'Late checkout', productId: 'LATE', rate: 400, tax: 25, amount: 500 }],
      grandTotal: 500,
    });
    const refund = await merchant.refund(reservationId, { amount: 200 });
    const complete = await merchant.complete(reservationId, { note: 'stay ended' });

    expect(capture).toMatchObject({ command: 'capture', state: 'ACCEPTED', amount: 1120 });
    expect(capture.reference).toMatch(/^CAP/);
    expect(charge).toMatchObject({ command: 'charge', state: 'ACCEPTED', amount: 500 });
    expect(charge.reference).toMatch(/^CHA/);
    expect(refund).toMatchObject({ command: 'refund', state: 'ACCEPTED', amount: 200 });
    expect(complete).toMatchObject({ command: 'complete', state: 'ACCEPTED' });
    for (const operation of ['capture', 'charge', 'refund', 'complete']) {
      expect(callsTo(operation, reservationUuid)).toHaveLength(1);
    }
  });

  it('resends the payment link and cancels', async () => {
    const { reservationId, reservationUuid } = await createdReservation();
    const merchant = client();

    const resend = await merchant.resend(reservationId, { countryCode: '+47', msisdn: '4012345' });
    const cancel = await merchant.cancel(reservationId, { note: 'guest cancelled' });

    expect(resend).toMatchObject({ command: 'resend', state: 'ACCEPTED' });
    expect(cancel).toMatchObject({ command: 'cancel', state: 'ACCEPTED' });
    expect(callsTo('resend', reservationUuid)).toHaveLength(1);
    expect(callsTo('cancel', reservationUuid)).toHaveLength(1);
    expect((await merchant.getReservation(reservationId)).status).toBe('CANCELLED');
  });
});

describe('finding reservations', () => {
  it("finds a reservation by Front Payment's uuid and by the merchant's referenceNo", async () => {
    const referenceNo = `FIND-${suffix}`;
    const created = await createdReservation(referenceNo);
    const other = await createdReservation(`FIND-OTHER-${suffix}`);
    const merchant = client();

    const byUuid = await merchant.findByReservationUuid(created.reservationUuid);
    const unknownUuid = await merchant.findByReservationUuid(`RESUNKNOWN${suffix}`);
    const byReference = await merchant.findByReferenceNo(referenceNo);

    expect(byUuid).toMatchObject({
      reservationId: created.reservationId,
      reservationUuid: created.reservationUuid,
      referenceNo,
      status: 'SESSION_CREATED',
    });
    expect(unknownUuid).toBeNull();
    expect(byReference).toEqual({ reservations: [byUuid], nextCursor: null });
    expect((await merchant.findByReservationUuid(other.reservationUuid))?.reservationId).toBe(
      other.reservationId,
    );
  });

  it('pages through a referenceNo shared by several reservations, newest first', async () => {
    const referenceNo = `SHARED-${suffix}`;
    const created = [];
    for (let count = 0; count < 3; count += 1) created.push(await createdReservation(referenceNo));
    const newestFirst = created.map((reservation) => reservation.reservationId).reverse();

    const first = await client().findByReferenceNo(referenceNo, { limit: 2 });
    const second = await client().findByReferenceNo(referenceNo, {
      limit: 2,
      cursor: first.nextCursor,
    });
    const walked = [];
    for await (const summary of client().reservationsByReferenceNo(referenceNo, { limit: 2 })) {
      walked.push(summary.reservationId);
    }

    expect(first.reservations.map((summary) => summary.reservationId)).toEqual(
      newestFirst.slice(0, 2),
    );
    expect(second).toMatchObject({ nextCursor: null });
    expect(second.reservations.map((summary) => summary.reservationId)).toEqual(
      newestFirst.slice(2),
    );
    expect(walked).toEqual(newestFirst);
  });

  it('pages through the recent list with a small limit: none missed, none repeated', async () => {
    // createdAfter excludes its own instant: a millisecond before the first creation.
    const createdAfter = new Date(Date.now() - 1);
    const created = [];
    for (let count = 0; count < 5; count += 1) created.push(await createdReservation());
    const ids = created.map((reservation) => reservation.reservationId);
    const merchant = client();

    const whole = await merchant.listRecent({ createdAfter, limit: 100 });
    const pages = [await merchant.listRecent({ createdAfter, limit: 2 })];
    for (let cursor = pages.at(-1)?.nextCursor; cursor; cursor = pages.at(-1)?.nextCursor) {
      pages.push(await merchant.listRecent({ createdAfter, limit: 2, cursor }));
    }
    const walked = [];
    for await (const summary of merchant.recentReservations({ createdAfter, limit: 2 })) {
      walked.push(summary.reservationId);
    }

    const paged = pages.flatMap((page) =>
      page.reservations.map((summary) => summary.reservationId),
    );
    expect(whole.nextCursor).toBeNull();
    expect(whole.reservations.map((summary) => summary.reservationId)).toEqual(
      expect.arrayContaining(ids),
    );
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(pages.every((page) => page.reservations.length <= 2)).toBe(true);
    expect(paged).toEqual(whole.reservations.map((summary) => summary.reservationId));
    expect(new Set(paged).size).toBe(paged.length);
    expect(walked).toEqual(paged);
    const createdAts = whole.reservations.map((summary) => summary.createdAt);
    expect(createdAts).toEqual([...createdAts].sort().reverse());
  });

  it('keeps to a window of creation times, both ends exclusive', async () => {
    const before = await createdReservation();
    const inside = await createdReservation();
    const after = await createdReservation();
    const merchant = client();
    const [createdAfter, createdBefore] = await Promise.all(
      [before, after].map(async (reservation) => {
        const summary = await merchant.findByReservationUuid(reservation.reservationUuid);
        return summary?.createdAt ?? '';
      }),
    );

    const page = await merchant.listRecent({ createdAfter, createdBefore });

    expect(page.reservations.map((summary) => summary.reservationId)).toEqual([
      inside.reservationId,
    ]);
  });

  it("surfaces the API's 400 naming limit for a limit outside 1 to 100, not retried", async () => {
    const merchant = client();

    const tooSmall = await errorOf(merchant.listRecent({ limit: 0 }));
    const tooLarge = await errorOf(merchant.findByReferenceNo(`LIMIT-${suffix}`, { limit: 101 }));
    const walk = merchant.recentReservations({ limit: 101 })[Symbol.asyncIterator]();
    const fromIterator = await errorOf(walk.next());

    for (const error of [tooSmall, tooLarge, fromIterator]) {
      expect(error).toBeInstanceOf(MerchantApiError);
      expect(error).toMatchObject({
        status: 400,
        code: 'validation-failed',
        retryable: false,
        errors: [expect.objectContaining({ path: 'limit' })],
      });
    }
    expect(exchangesTo('/reservations?limit=0')).toHaveLength(1);
  });

  it('retries a throttled lookup like a read, signed anew', async () => {
    const { reservationUuid, reservationId } = await createdReservation();
    const path = `/reservations?reservationUuid=${reservationUuid}`;
    throttleNext(path);

    const found = await client().findByReservationUuid(reservationUuid);

    expect(found?.reservationId).toBe(reservationId);
    const exchanges = exchangesTo(path);
    expect(exchanges.map((exchange) => exchange.fault)).toEqual(['throttled', undefined]);
    expect(exchanges.map((exchange) => exchange.headers['x-amz-date'])).toEqual([
      expect.any(String),
      expect.any(String),
    ]);
    expect(exchanges[0]?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=/);
  });
});

describe('idempotency and retries', () => {
  it('retries after the connection dropped once the API had answered: the same key, a replay, Front Payment acted once', async () => {
    const { reservationId, reservationUuid } = await paidReservation();
    const path = `/reservations/${reservationId}/capture`;
    proxy.arm({
      name: 'drop-after-capture',
      matches: (request) => request.path === path,
      action: { kind: 'drop-after' },
    });

    const answer = await client().capture(reservationId, { amount: 100 });

    const [first, retry] = exchangesTo(path);
    expect(first).toMatchObject({ fault: 'drop-after-capture', serviceStatus: 202 });
    expect(retry).toMatchObject({ fault: undefined, serviceStatus: 202 });
    expect(retry?.headers['idempotency-key']).toBe(first?.headers['idempotency-key']);
    expect(answer.commandId).toBe(JSON.parse(first?.serviceBody ?? '{}').commandId);
    expect(callsTo('capture', reservationUuid)).toHaveLength(1);
  });

  it('keeps the caller’s own Idempotency-Key: a later call with it is answered from the first', async () => {
    const { reservationId, reservationUuid } = await paidReservation();
    const idempotencyKey = `order-${suffix}-capture`;

    const first = await client().capture(reservationId, { amount: 10 }, { idempotencyKey });
    const again = await client().capture(reservationId, { amount: 10 }, { idempotencyKey });

    expect(again).toEqual(first);
    expect(callsTo('capture', reservationUuid)).toHaveLength(1);
    expect(exchangesTo(`/reservations/${reservationId}/capture`).at(-1)?.headers).toMatchObject({
      'idempotency-key': idempotencyKey,
    });
  });

  it('waits for retry-after while the same request is in progress, then gets its outcome', async () => {
    const { reservationId, reservationUuid } = await paidReservation();
    const idempotencyKey = randomUUID();
    const path = `/reservations/${reservationId}/capture`;
    // The first request holds its key while Front Payment's details take 1.5 s to come.
    local.stack.sandbox?.injectFault({ kind: 'delay', delayMs: 1_500 });
    const detailsBefore = callsTo('details', reservationUuid).length;
    // Sent by another process of the same merchant (the same credentials, so the same caller).
    const first = client().capture(reservationId, { amount: 30 }, { idempotencyKey });
    await until(
      () => callsTo('details', reservationUuid).length > detailsBefore,
      'the first request to read the details',
    );
    const retries: number[] = [];

    const answer = await client({
      onRetry: (notice) => retries.push(Number(notice.reason)),
    }).capture(reservationId, { amount: 30 }, { idempotencyKey });

    expect(answer.commandId).toBe((await first).commandId);
    expect(retries.length).toBeGreaterThan(0);
    expect(retries.every((status) => status === 409)).toBe(true);
    const statuses = exchangesTo(path).map((exchange) => exchange.serviceStatus);
    expect(statuses.at(0)).toBe(409);
    expect(statuses.at(-1)).toBe(202);
    expect(callsTo('capture', reservationUuid)).toHaveLength(1);
  });

  it('never retries an unknown outcome: one try, an error that says so', async () => {
    const { reservationId, reservationUuid } = await paidReservation();
    // The details read passes; Front Payment's answer to the cancel itself is cut off.
    local.stack.sandbox?.injectFault({ kind: 'delay', delayMs: 0 });
    local.stack.sandbox?.injectFault({ kind: 'broken-answer' });

    const error = await errorOf(client().cancel(reservationId, { note: 'guest cancelled' }));

    expect(error).toBeInstanceOf(MerchantApiError);
    expect(error).toMatchObject({ status: 502, retryable: false, reservationId });
    expect((error as MerchantApiError).idempotencyKey).toEqual(expect.any(String));
    expect(exchangesTo(`/reservations/${reservationId}/cancel`)).toHaveLength(1);
    expect(callsTo('cancel', reservationUuid)).toHaveLength(1);
  });

  it('retries throttling and a retryable problem, each within the attempt bound', async () => {
    const { reservationId } = await createdReservation();
    const path = `/reservations/${reservationId}`;
    throttleNext(path);
    proxy.arm({
      name: 'retryable-problem',
      matches: (request) => request.path === path,
      action: {
        kind: 'refuse',
        status: 502,
        contentType: 'application/problem+json',
        body: JSON.stringify({
          type: 'https://example.com/problems/front-payment-unavailable',
          title: 'Front Payment is unavailable',
          status: 502,
          detail: 'Front Payment did not answer',
          code: 'front-payment-unavailable',
          retryable: true,
        }),
      },
    });

    const read = await client().getReservation(reservationId);

    expect(read.reservationId).toBe(reservationId);
    expect(exchangesTo(path).map((exchange) => exchange.fault)).toEqual([
      'throttled',
      'retryable-problem',
      undefined,
    ]);
  });

  it('gives up after maxAttempts and tells the key to retry with when no answer came', async () => {
    const { reservationId } = await paidReservation();
    const path = `/reservations/${reservationId}/capture`;
    proxy.arm({
      name: 'no-connection',
      matches: (request) => request.path === path,
      action: { kind: 'drop-before' },
      times: 3,
    });

    const error = await errorOf(
      client({ retry: { maxAttempts: 3, baseDelayMs: 10 } }).capture(
        reservationId,
        {},
        { idempotencyKey: `give-up-${suffix}` },
      ),
    );

    expect(error).toBeInstanceOf(MerchantApiUnreachableError);
    expect(error).toMatchObject({ idempotencyKey: `give-up-${suffix}` });
    expect((error as Error).message).toContain(`give-up-${suffix}`);
    expect(exchangesTo(path).map((exchange) => exchange.forwarded)).toEqual([false, false, false]);
  });
});

describe('typed errors', () => {
  it('names the fields of a refused body', async () => {
    const { reservationId } = await paidReservation();

    const error = await errorOf(client().capture(reservationId, { amount: -5 }));

    expect(error).toBeInstanceOf(MerchantApiError);
    expect(error).toMatchObject({
      status: 400,
      retryable: false,
      errors: [expect.objectContaining({ path: 'amount' })],
    });
    expect(exchangesTo(`/reservations/${reservationId}/capture`)).toHaveLength(1);
  });

  it('meets the API’s refusal when a string amount is sent around the types', async () => {
    const { reservationId, reservationUuid } = await paidReservation();

    // @ts-expect-error the types take numbers only (test/unit/merchant-client-types.test.ts)
    const error = await errorOf(client().capture(reservationId, { amount: '100' }));

    expect(error).toBeInstanceOf(MerchantApiError);
    expect(error).toMatchObject({
      status: 400,
      code: 'validation-failed',
      errors: [{ path: 'amount', message: 'must be a number' }],
    });
    expect(callsTo('capture', reservationUuid)).toHaveLength(0);
  });

  it('answers an unknown reservation and a state conflict with their status, not retried', async () => {
    const { reservationId } = await createdReservation();

    const missing = await errorOf(client().getReservation(`missing-${suffix}`));
    const conflict = await errorOf(client().capture(reservationId, { amount: 1 }));

    expect(missing).toMatchObject({ status: 404, retryable: false });
    expect(conflict).toMatchObject({ status: 409, retryable: false });
    expect((conflict as MerchantApiError).code).not.toBe('');
    expect(exchangesTo(`/reservations/missing-${suffix}`)).toHaveLength(1);
  });

  it("reads API Gateway's own answer into the same error, and the problem's fields as they are", async () => {
    const { reservationId } = await createdReservation();
    const path = `/reservations/${reservationId}`;
    proxy.arm({
      name: 'forbidden',
      matches: (request) => request.path === path,
      action: {
        kind: 'refuse',
        status: 403,
        contentType: 'application/json',
        body: '{"message":"Forbidden"}',
      },
    });
    proxy.arm({
      name: 'problem',
      matches: (request) => request.path === path,
      action: {
        kind: 'refuse',
        status: 409,
        contentType: 'application/problem+json',
        body: JSON.stringify({
          type: 'https://example.com/problems/reservation-closed',
          title: 'The reservation is closed',
          status: 409,
          detail: 'Reservation is completed',
          code: 'reservation-closed',
          retryable: false,
          reservationId,
        }),
      },
    });

    const forbidden = await errorOf(client().getReservation(reservationId));
    const problem = await errorOf(client().getReservation(reservationId));

    expect(forbidden).toMatchObject({
      status: 403,
      code: 'http-403',
      title: 'Forbidden',
      detail: 'Forbidden',
      retryable: false,
      isProblem: false,
    });
    expect(problem).toMatchObject({
      status: 409,
      code: 'reservation-closed',
      type: 'https://example.com/problems/reservation-closed',
      title: 'The reservation is closed',
      detail: 'Reservation is completed',
      retryable: false,
      reservationId,
      errors: [],
      isProblem: true,
    });
    expect(exchangesTo(path)).toHaveLength(2);
  });
});

describe('signing', () => {
  it('sends a SigV4 Authorization that the SDK signer verifies with the same credentials', async () => {
    const { reservationId } = await paidReservation();
    const path = `/reservations/${reservationId}/capture`;

    await client().capture(reservationId, { amount: 5 });

    const [sent] = exchangesTo(path);
    const authorization = String(sent?.headers.authorization);
    expect(authorization).toMatch(
      new RegExp(
        `^AWS4-HMAC-SHA256 Credential=${CREDENTIALS.accessKeyId}/\\d{8}/${REGION}/execute-api/aws4_request, SignedHeaders=`,
      ),
    );
    const signedHeaders = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(';') ?? [];
    expect(signedHeaders).toEqual(
      expect.arrayContaining(['host', 'idempotency-key', 'x-amz-date']),
    );
    // What the IAM authorizer does: sign the request as received again, compare the signatures.
    const url = new URL(`http://${sent?.headers.host}${path}`);
    const verifier = new SignatureV4({
      service: 'execute-api',
      region: REGION,
      credentials: CREDENTIALS,
      sha256: Sha256,
    });
    const amzDate = String(sent?.headers['x-amz-date']);
    const expected = await verifier.sign(
      {
        method: 'POST',
        protocol: 'http:',
        hostname: url.hostname,
        port: Number(url.port),
        path,
        query: {},
        headers: Object.fromEntries(
          signedHeaders.map((name) => [name, String(sent?.headers[name])]),
        ),
        body: sent?.body,
      },
      { signingDate: parseAmzDate(amzDate) },
    );
    expect(expected.headers.authorization).toBe(authorization);
  });

  it('sends a JWT as a bearer token, asked for anew on each try', async () => {
    const { reservationId } = await createdReservation();
    const path = `/reservations/${reservationId}`;
    throttleNext(path);
    let issued = 0;
    const withJwt = client({ auth: { kind: 'jwt', token: async () => `token-${++issued}` } });

    const read = await withJwt.getReservation(reservationId);

    expect(read.reservationId).toBe(reservationId);
    expect(exchangesTo(path).map((exchange) => exchange.headers.authorization)).toEqual([
      'Bearer token-1',
      'Bearer token-2',
    ]);
  });

  it('is one local caller per access key: the same Idempotency-Key of two callers is two reservations', async () => {
    const idempotencyKey = `shared-key-${suffix}`;
    const body = sampleReservationRequest({
      returnBaseUrl: local.stack.urls.api,
      referenceNo: `CALLERS-${suffix}`,
    });
    const other = client({
      auth: {
        kind: 'sigv4',
        region: REGION,
        credentials: { accessKeyId: 'AKIAOTHERCALLER', secretAccessKey: 'other' },
      },
    });

    const mine = await client().createReservation(body, { idempotencyKey });
    const theirs = await other.createReservation(body, { idempotencyKey });

    expect(theirs.reservationId).not.toBe(mine.reservationId);
  });
});

/** `20260101T120000Z` as a Date. */
function parseAmzDate(value: string): Date {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) throw new Error(`not an x-amz-date: ${value}`);
  const [, year, month, day, hour, minute, second] = match.map(Number) as number[];
  return new Date(Date.UTC(year ?? 0, (month ?? 1) - 1, day, hour, minute, second));
}
