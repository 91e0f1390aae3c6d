import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  exampleCreatePayload,
  type RunningFrontPaymentSandbox,
  type SandboxFault,
  startFrontPaymentSandbox,
} from '../../infra/local/front-payment-sandbox/index.ts';

const TOKEN = 'sandbox-test-token';

/** The parts of Front Payment's envelope these tests read; the assertions judge the values. */
interface Answer {
  readonly status_code: number;
  readonly message: string;
  readonly errors: Record<string, readonly string[]>;
  readonly data: {
    readonly reservationUuid: string;
    readonly customerUuid: string;
    readonly paymentUrl: string;
    readonly status: string;
    readonly customerDetails: Readonly<Record<string, unknown>>;
    readonly productList: readonly Readonly<Record<string, unknown>>[];
    readonly paymentDetails: { readonly amountRefunded: unknown };
    readonly paymentHistory: {
      readonly captured: readonly { readonly reference: string; readonly isRefunded: boolean }[];
    };
  };
}

async function answerOf(response: Response): Promise<Answer> {
  return (await response.json()) as Answer;
}
let sandbox: RunningFrontPaymentSandbox;

beforeAll(async () => {
  sandbox = await startFrontPaymentSandbox({ token: TOKEN, callbackSecret: 'test-secret' });
});
afterEach(() => {
  sandbox.clearFaults();
  sandbox.setQuirks({ validationErrorStyle: 'keyed', statusCase: 'upper' });
});
afterAll(() => sandbox.stop());

function api(
  path: string,
  init: { method?: string; body?: unknown; token?: string | null; signal?: AbortSignal } = {},
) {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.token !== null) headers.authorization = `Bearer ${init.token ?? TOKEN}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  return fetch(`${sandbox.url}/api/v1/connect/${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    ...(init.body === undefined
      ? {}
      : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
    ...(init.signal ? { signal: init.signal } : {}),
  });
}

async function createReservation(payload: unknown = exampleCreatePayload()) {
  const response = await api('reservations/create', { body: payload });
  return { status: response.status, body: await answerOf(response) };
}

async function createdUuid(): Promise<string> {
  const { body } = await createReservation();
  return body.data.reservationUuid;
}

describe('POST reservations/create', () => {
  it('stores customerReference and referenceNo and shows both in the details', async () => {
    const payload = {
      ...exampleCreatePayload(),
      referenceNo: 'ORDER-9',
      customerReference: 'rsv-123',
    };
    const { body } = await createReservation(payload);

    const details = await answerOf(await api(`reservations/details/${body.data.reservationUuid}`));

    expect(details.data).toMatchObject({
      referenceNumber: 'ORDER-9',
      customerReference: 'rsv-123',
    });
  });

  it('answers 201 in the envelope with Front Payment style ids and a checkout link', async () => {
    const payload = exampleCreatePayload();
    const { status, body } = await createReservation(payload);

    expect(status).toBe(201);
    expect(body).toEqual({
      status_code: 201,
      status_message: 'OK',
      message: 'Reservation Submitted Successfully',
      is_data: true,
      data: {
        customerUuid: expect.stringMatching(/^CSRT\d{10}$/),
        reservationUuid: expect.stringMatching(/^RES\d{10}$/),
        paymentUrl: `${sandbox.url}/checkout/${body.data.reservationUuid}`,
      },
    });
    const reservation = sandbox
      .reservations()
      .find((item) => item.reservationUuid === body.data.reservationUuid);
    expect(reservation).toMatchObject({
      status: 'SENT',
      isPaid: false,
      grandTotal: 1000,
      preselectedMethod: 'visa',
      payload,
    });
    expect(sandbox.calls.at(-1)).toMatchObject({
      method: 'POST',
      path: '/api/v1/connect/reservations/create',
      authorization: `Bearer ${TOKEN}`,
      body: payload,
    });
  });

  it('never hands out the same id twice', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => createReservation()));
    const ids = answers.flatMap(({ body }) => [body.data.reservationUuid, body.data.customerUuid]);

    expect(new Set(ids).size).toBe(40);
  });

  it('refuses a missing or wrong bearer token with 401 and creates nothing', async () => {
    const before = sandbox.reservations().length;

    for (const token of [null, 'wrong-token']) {
      const response = await api('reservations/create', { body: exampleCreatePayload(), token });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({
        status_code: 401,
        status_message: 'Unauthorized',
        is_error: true,
      });
    }
    expect(sandbox.reservations()).toHaveLength(before);
  });

  it("answers 417 with Laravel style messages for every broken rule of Front Payment's validation table", async () => {
    const payload = exampleCreatePayload({ success: 'not a url' });
    payload.customerDetails.type = 'corporate';
    payload.customerDetails.email = 'kari.example.com';
    payload.customerDetails.personalNumber = '1234567890';
    payload.customerDetails.preferredLanguage = 'fr';
    payload.customerDetails.address.country = 'NOR';
    payload.dueDateForPaymentLink = String(Math.floor(Date.now() / 1000) - 3600);
    payload.orderDate = '2024-08-22';
    payload.products = { '0': { name: 'Cabin', rate: 800, tax: '13', amount: 'much' } };
    payload.chargeValidity = '55 minutes';
    payload.submitPayment.via = 'paypal';
    const before = sandbox.reservations().length;

    const { status, body } = await createReservation(payload);

    expect(status).toBe(417);
    expect(body).toEqual({
      status_code: 417,
      status_message: 'Expectation Failed',
      message: 'payloadValidationErrors',
      is_error: true,
      errors: {
        'customerDetails.email': ['The customer details.email must be a valid email address.'],
        'customerDetails.preferredLanguage': [
          'The selected customer details.preferred language is invalid.',
        ],
        'customerDetails.personalNumber': [
          'The customer details.personal number must be 11 digits.',
        ],
        'customerDetails.organizationId': [
          'The customer details.organization id field is required when customer details.type is corporate.',
        ],
        'customerDetails.address.country': [
          'The customer details.address.country must be a valid ISO alpha-2 country code.',
        ],
        orderDate: ['The order date does not match the format U.'],
        dueDateForPaymentLink: [
          'The due date for payment link must be a date after or equal to now.',
        ],
        'products.0.tax': ['The selected products.0.tax is invalid.'],
        'products.0.amount': ['The products.0.amount must be a number.'],
        chargeValidity: ['The charge validity format is invalid.'],
        'submitPayment.via': ['The selected submit payment.via is invalid.'],
        'callback.success': ['The callback.success must be a valid URL.'],
      },
    });
    expect(sandbox.reservations()).toHaveLength(before);
  });

  it('names every required field of an empty payload', async () => {
    const { status, body } = await createReservation({});

    expect(status).toBe(417);
    expect(Object.keys(body.errors)).toEqual([
      'customerDetails.type',
      'customerDetails.countryCode',
      'customerDetails.msisdn',
      'customerDetails.email',
      'customerDetails.name',
      'customerDetails.address',
      'customerDetails.address.street',
      'customerDetails.address.zip',
      'customerDetails.address.city',
      'customerDetails.address.country',
      'orderDate',
      'dueDateForPaymentLink',
      'sendOrderBy',
      'sendOrderBy.sms',
      'sendOrderBy.email',
      'products',
      'orderSummary.subTotal',
      'orderSummary.totalTax',
      'orderSummary.grandTotal',
      'submitPayment',
      'submitPayment.via',
    ]);
    expect(body.errors['customerDetails.email']).toEqual([
      'The customer details.email field is required.',
    ]);
  });

  it('wants products keyed by position, not as a JSON list', async () => {
    const payload = exampleCreatePayload();
    payload.products = [{ name: 'Cabin', rate: 1000, tax: 0, amount: 1000 }] as never;

    const { status, body } = await createReservation(payload);

    expect(status).toBe(417);
    expect(body.errors).toEqual({
      products: ['The products must be an object keyed by position ("0", "1", …).'],
    });
  });

  it('accepts a corporate customer with an organizationId and no preferredLanguage', async () => {
    const payload = exampleCreatePayload();
    payload.customerDetails.type = 'corporate';
    payload.customerDetails.organizationId = '987654321';
    const { preferredLanguage: _, ...withoutLanguage } = payload.customerDetails;

    const { status } = await createReservation({ ...payload, customerDetails: withoutLanguage });

    expect(status).toBe(201);
  });

  it('reads no input without a JSON content type, as Laravel does', async () => {
    const response = await fetch(`${sandbox.url}/api/v1/connect/reservations/create`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/plain' },
      body: JSON.stringify(exampleCreatePayload()),
    });

    expect(response.status).toBe(417);
    expect((await answerOf(response)).errors['customerDetails.email']).toBeDefined();
  });

  it('can answer validation errors as a bare list, like a recorded demo answer', async () => {
    sandbox.setQuirks({ validationErrorStyle: 'list' });
    const payload = exampleCreatePayload();
    payload.customerDetails.email = 'nope';

    const { status, body } = await createReservation(payload);

    expect(status).toBe(417);
    expect(body).toMatchObject({
      status_message: 'Client Error',
      errors: ['The customer details.email must be a valid email address.'],
    });
  });

  it('answers malformed JSON with a 400 envelope and an oversized body with 413', async () => {
    const malformed = await api('reservations/create', { body: '{"customerDetails": ' });
    const oversized = await api('reservations/create', {
      body: JSON.stringify({ ...exampleCreatePayload(), tnc: 'x'.repeat(1024 * 1024) }),
    });

    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ status_code: 400, is_error: true });
    expect(oversized.status).toBe(413);
    expect(await oversized.json()).toMatchObject({ status_code: 413, is_error: true });
  });
});

describe('injected faults', () => {
  it.each([
    [400, 'Bad Request', 'badRequest'],
    [401, 'Unauthorized', 'unauthenticated'],
    [404, 'Not Found', 'reservationNotFound'],
    [417, 'Expectation Failed', 'payloadValidationErrors'],
    [500, 'Internal Dependency Error', 'internalErrorOccurredPleaseTryAgainLater'],
    [510, 'Internal Dependency Error', 'Payment Gateway Error: Failed to Create Checkout Session'],
  ] as const)('answers %i in the envelope', async (statusCode, statusMessage, message) => {
    const before = sandbox.reservations().length;
    sandbox.injectFault({ kind: 'status', statusCode });

    const { status, body } = await createReservation();

    expect(status).toBe(statusCode);
    expect(body).toMatchObject({
      status_code: statusCode,
      status_message: statusMessage,
      message,
      is_error: true,
    });
    expect(sandbox.reservations()).toHaveLength(before);
  });

  it.each([
    [422, 'Unprocessable Content', 'invalidRequest'],
    [429, 'Too Many Requests', 'tooManyAttempts'],
    [503, 'Service Unavailable', 'serviceUnavailable'],
  ] as const)(
    'answers %i in the envelope and creates nothing',
    async (statusCode, statusMessage, message) => {
      const before = sandbox.reservations().length;
      sandbox.injectFault({ kind: 'status', statusCode });

      const { status, body } = await createReservation();

      expect(status).toBe(statusCode);
      expect(body).toMatchObject({
        status_code: statusCode,
        status_message: statusMessage,
        message,
      });
      expect(sandbox.reservations()).toHaveLength(before);
    },
  );

  it.each([502, 504] as const)(
    'answers %i as a proxy in front of Front Payment would: HTML',
    async (statusCode) => {
      sandbox.injectFault({ kind: 'status', statusCode });

      const response = await api('reservations/create', { body: exampleCreatePayload() });

      expect(response.status).toBe(statusCode);
      expect(response.headers.get('content-type')).toMatch(/text\/html/);
      expect(await response.text()).toContain(String(statusCode));
    },
  );

  it('with afterCommit, creates the reservation and then answers with the status', async () => {
    const before = sandbox.reservations().length;
    sandbox.injectFault({ kind: 'status', statusCode: 500, afterCommit: true });

    const { status, body } = await createReservation();

    expect(status).toBe(500);
    expect(body).toMatchObject({ message: 'internalErrorOccurredPleaseTryAgainLater' });
    expect(sandbox.reservations()).toHaveLength(before + 1);
  });

  it('with a broken answer, creates the reservation and cuts its JSON off', async () => {
    const before = sandbox.reservations().length;
    sandbox.injectFault({ kind: 'broken-answer' });

    const response = await api('reservations/create', { body: exampleCreatePayload() });
    const text = await response.text();

    expect(response.status).toBe(201);
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    expect(sandbox.reservations()).toHaveLength(before + 1);
  });

  it('gives 500 and 510 the errors Front Payment documents', async () => {
    sandbox.injectFault({ kind: 'status', statusCode: 500 });
    sandbox.injectFault({ kind: 'status', statusCode: 510 });

    const internal = await createReservation();
    const gateway = await createReservation();

    expect(internal.body.errors).toEqual({
      happenedAt: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
      internalErrorDetails: expect.any(Array),
    });
    expect(gateway.body.errors).toEqual([
      'Payment Gateway Error(Submit Payment): Failed to Create Checkout Session At: PAR156',
    ]);
  });

  it('applies a fault `times` times, then serves normally; clearFaults drops the rest', async () => {
    sandbox.injectFault({ kind: 'status', statusCode: 500, times: 2 });

    const statuses = [];
    for (let index = 0; index < 3; index += 1) statuses.push((await createReservation()).status);
    sandbox.injectFault({ kind: 'status', statusCode: 500, times: 5 });
    sandbox.clearFaults();

    expect(statuses).toEqual([500, 500, 201]);
    expect((await createReservation()).status).toBe(201);
  });

  it('holds the answer for a delay fault, long enough for a client timeout', async () => {
    sandbox.injectFault({ kind: 'delay', delayMs: 300 });
    const timedOut = api('reservations/create', {
      body: exampleCreatePayload(),
      signal: AbortSignal.timeout(50),
    });
    await expect(timedOut).rejects.toMatchObject({ name: 'TimeoutError' });

    sandbox.injectFault({ kind: 'delay', delayMs: 150 });
    const started = performance.now();
    const { status } = await createReservation();

    expect(status).toBe(201);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('stops promptly while a delayed answer is still held', async () => {
    const own = await startFrontPaymentSandbox({ token: TOKEN, callbackSecret: 'test-secret' });
    own.injectFault({ kind: 'delay', delayMs: 60_000 });
    const pending = fetch(`${own.url}/api/v1/connect/reservations/details/RES0000000000`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    await expect.poll(() => own.calls.length).toBe(1);

    const started = performance.now();
    await own.stop();

    // It did not wait for the 60 s hold (loose bound: shared, noisy machines).
    expect(performance.now() - started).toBeLessThan(30_000);
    await expect(pending).rejects.toThrow(TypeError);
  });

  it('drops the connection without an answer', async () => {
    sandbox.injectFault({ kind: 'drop-connection' });

    await expect(createReservation()).rejects.toThrow(TypeError);
    expect((await createReservation()).status).toBe(201);
  });

  it('records faulted requests as calls too', async () => {
    const before = sandbox.calls.length;
    sandbox.injectFault({ kind: 'status', statusCode: 510 });

    await createReservation();

    expect(sandbox.calls).toHaveLength(before + 1);
  });
});

describe('reservation endpoints', () => {
  it('shows details of a reservation through its life', async () => {
    const uuid = await createdUuid();
    const fresh = await answerOf(await api(`reservations/details/${uuid}`));
    await sandbox.pay(uuid, 'mastercard');
    await sandbox.capture(uuid, 400);
    const response = await api(`reservations/details/${uuid}`);
    const body = await answerOf(response);

    expect(fresh.data).toMatchObject({ status: 'SENT', isPaid: false });
    expect(response.status).toBe(200);
    expect(body).toMatchObject({ status_code: 200, is_data: true });
    expect(body.data).toMatchObject({
      reservationUuid: uuid,
      status: 'CAPTURED',
      isPaid: true,
      grandTotal: 1000,
      chargeValidity: '55',
      productList: [
        { id: expect.any(Number), name: 'Cabin, two nights', rate: 800, tax: 12, amount: 800 },
        { id: expect.any(Number), name: 'Cleaning', rate: 200, tax: 25, amount: 200 },
      ],
      reservationDate: expect.stringMatching(/^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}$/),
      paymentDetails: {
        reservedAt: expect.any(Number),
        reservedAmount: 1000,
        capturedAmount: 400,
        chargedAmount: 0,
        amountRefunded: { fromCaptured: 0, fromCharge: 0 },
      },
      paymentHistory: {
        reserved: [{ at: expect.any(Number), amount: 1000 }],
        captured: [
          {
            at: expect.stringMatching(/^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}$/),
            amount: 400,
            reference: expect.stringMatching(/^CAP\d{10}$/),
            isRefunded: false,
            refundedAt: null,
          },
        ],
        charged: [],
      },
    });
    // Front Payment echoes the customer's personal data: the reason we parse details narrowly.
    expect(body.data.customerDetails).toMatchObject({ email: expect.stringContaining('@') });
    expect(body.data.productList[0]).toMatchObject({ id: expect.any(Number), quantity: 1 });
  });

  it('refunds part of a capture: cumulative per source, marked on the payment, no callback', async () => {
    const uuid = await createdUuid();
    await sandbox.pay(uuid, 'visa');
    await sandbox.capture(uuid, 400);
    const captured = await answerOf(await api(`reservations/details/${uuid}`));
    const reference = captured.data.paymentHistory.captured[0]?.reference;

    const productId = captured.data.productList[0]?.id;
    const refund = await api(`reservations/refund/${uuid}`, {
      body: {
        type: 'reservation',
        grandTotal: 150,
        products: [{ id: productId, amount: 150 }],
        source: 'captured',
        reference,
      },
    });
    await sandbox.refund(uuid, { amount: 50, source: 'captured' });
    const body = await answerOf(await api(`reservations/details/${uuid}`));

    expect(refund.status).toBe(202);
    expect(await refund.json()).toMatchObject({ message: 'orderRefundedSuccessfully' });
    expect(body.data.paymentDetails.amountRefunded).toEqual({ fromCaptured: 200, fromCharge: 0 });
    expect(body.data.paymentHistory.captured[0]).toMatchObject({ reference, isRefunded: true });
  });

  it('refuses a refund larger than what was captured, and one without its required fields', async () => {
    const uuid = await createdUuid();
    await sandbox.pay(uuid, 'visa');
    await sandbox.capture(uuid, 100);

    const details = await answerOf(await api(`reservations/details/${uuid}`));
    const [capture] = details.data.paymentHistory.captured;
    const productId = details.data.productList[0]?.id;

    const tooMuch = await api(`reservations/refund/${uuid}`, {
      body: {
        type: 'reservation',
        grandTotal: 100.01,
        products: [{ id: productId, amount: 100.01 }],
        source: 'captured',
        reference: capture?.reference,
      },
    });
    const incomplete = await api(`reservations/refund/${uuid}`, {
      body: { type: 'reservation', grandTotal: 10 },
    });

    expect(tooMuch.status).toBe(400);
    expect(await tooMuch.json()).toMatchObject({ message: 'refundAmountExceedsPaidAmount' });
    expect(incomplete.status).toBe(417);
    expect(Object.keys((await answerOf(incomplete)).errors).sort()).toEqual([
      'products',
      'reference',
      'source',
    ]);
  });

  it('writes statuses capitalized under the statusCase quirk', async () => {
    const uuid = await createdUuid();
    await sandbox.pay(uuid, 'visa');
    sandbox.setQuirks({ statusCase: 'capitalized' });

    const body = await answerOf(await api(`reservations/details/${uuid}`));

    expect(body.data.status).toBe('Reserved');
  });

  it('answers 404 reservationNotFound for an unknown uuid', async () => {
    const response = await api('reservations/details/RES0000000000');

    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({
      status_code: 404,
      message: 'reservationNotFound',
      is_error: true,
    });
  });

  it('cancels an unpaid reservation once; a second cancel is a 400 conflict', async () => {
    const uuid = await createdUuid();

    const first = await api(`reservations/cancel/${uuid}`, { body: { note: 'Guest cancelled' } });
    const second = await api(`reservations/cancel/${uuid}`, { method: 'GET' });

    expect(first.status).toBe(202);
    expect(await first.json()).toMatchObject({ message: 'cancelledOrderSuccessfully' });
    expect(second.status).toBe(400);
    expect(await second.json()).toMatchObject({ message: 'reservationStatusAlreadyCancelled' });
    expect(sandbox.reservations().find((item) => item.reservationUuid === uuid)?.status).toBe(
      'CANCELLED',
    );
  });
});

describe('control API', () => {
  async function control(path: string, method = 'GET', body?: unknown) {
    const response = await fetch(`${sandbox.url}/_sandbox/${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    return {
      status: response.status,
      body: (response.status === 204 ? undefined : await response.json()) as unknown,
    };
  }

  it('injects and clears faults over HTTP', async () => {
    const fault: SandboxFault = { kind: 'status', statusCode: 510, times: 3 };

    const injected = await control('faults', 'POST', fault);
    const pending = await control('faults');
    const faulted = await createReservation();
    const cleared = await control('faults', 'DELETE');
    const served = await createReservation();

    expect(injected.status).toBe(204);
    expect(pending.body).toEqual([fault]);
    expect(faulted.status).toBe(510);
    expect(cleared.status).toBe(204);
    expect(served.status).toBe(201);
  });

  it('rejects a fault it does not know', async () => {
    const { status, body } = await control('faults', 'POST', { kind: 'status', statusCode: 418 });

    expect(status).toBe(400);
    expect(body).toMatchObject({ issues: [expect.stringContaining('statusCode')] });
  });

  it('lists reservations and calls, sets quirks', async () => {
    const uuid = await createdUuid();

    const reservations = await control('reservations');
    const calls = await control('calls');
    const quirks = await control('quirks', 'POST', { statusCase: 'capitalized' });

    expect(reservations.body).toContainEqual(expect.objectContaining({ reservationUuid: uuid }));
    expect((calls.body as unknown[]).at(-1)).toMatchObject({
      path: '/api/v1/connect/reservations/create',
    });
    expect(quirks.body).toMatchObject({ statusCase: 'capitalized', misspellReserved: false });
  });

  it('pays and captures a reservation as a person and a merchant would', async () => {
    const uuid = await createdUuid();

    const paid = await control(`reservations/${uuid}/pay`, 'POST', { method: 'visa' });
    const captured = await control(`reservations/${uuid}/capture`, 'POST', { amount: 250 });
    const refused = await control(`reservations/${uuid}/pay`, 'POST', { method: 'visa' });

    expect(paid.body).toMatchObject({ status: 'RESERVED', reservedAmount: 1000 });
    expect(captured.body).toMatchObject({ status: 'CAPTURED', capturedAmount: 250 });
    expect(refused).toMatchObject({ status: 409, body: { code: 'reservationAlreadyPaid' } });
  });
});
