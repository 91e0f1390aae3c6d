import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hasValidChecksum, parseRawQuery } from '#shared/front-payment/callback-checksum';
import { findFreePort } from '../../infra/local/free-port.ts';
import {
  exampleCreatePayload,
  type RunningFrontPaymentSandbox,
  startFrontPaymentSandbox,
} from '../../infra/local/front-payment-sandbox/index.ts';

const TOKEN = 'sandbox-test-token';
const SECRET = 'callback-secret-for-tests';
const NOTIFICATION_PARAMETERS = [
  'orderUuid',
  'status',
  'createdAt',
  'paymentMethod',
  'amount',
  'timestamp',
  'checksum',
];

/** A merchant's callback endpoint: records each request's path and raw query string. */
interface CallbackReceiver {
  readonly url: string;
  readonly received: { readonly path: string; readonly rawQuery: string }[];
  answerWith(statusCode: number): void;
  stop(): Promise<void>;
}

async function startCallbackReceiver(): Promise<CallbackReceiver> {
  const received: { path: string; rawQuery: string }[] = [];
  let statusCode = 200;
  const server: Server = createServer((request, response) => {
    const [path = '', rawQuery = ''] = (request.url ?? '').split(/\?(.*)/s);
    received.push({ path, rawQuery });
    response.writeHead(statusCode).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    answerWith: (code) => {
      statusCode = code;
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

let sandbox: RunningFrontPaymentSandbox;
let receiver: CallbackReceiver;

beforeAll(async () => {
  [sandbox, receiver] = await Promise.all([
    startFrontPaymentSandbox({ token: TOKEN, callbackSecret: SECRET }),
    startCallbackReceiver(),
  ]);
});
afterEach(() => {
  receiver.received.length = 0;
  receiver.answerWith(200);
  sandbox.setQuirks({
    perChangeAmounts: false,
    misspellReserved: false,
    duplicateCallbacks: false,
    reverseCallbackOrder: false,
    statusCase: 'upper',
  });
});
afterAll(async () => {
  await sandbox.stop();
  await receiver.stop();
});

function callbackUrls(callbackQuery = '') {
  return {
    callbackUrl: `${receiver.url}/callbacks/front-payment${callbackQuery}`,
    success: 'https://merchant.example/booking/done?result=paid',
    failure: 'https://merchant.example/booking/failed',
  };
}

async function createReservation(payload = exampleCreatePayload(callbackUrls())) {
  const response = await fetch(`${sandbox.url}/api/v1/connect/reservations/create`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  });
  const { data } = (await response.json()) as {
    data: { reservationUuid: string; paymentUrl: string };
  };
  return data;
}

function submitCheckoutForm(paymentUrl: string, action: 'pay' | 'decline', method?: string) {
  return fetch(`${paymentUrl}/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: method ? new URLSearchParams({ method }).toString() : '',
    redirect: 'manual',
  });
}

function notification(index: number) {
  const callback = receiver.received[index];
  if (!callback) throw new Error(`no callback #${index}`);
  const parameters = parseRawQuery(callback.rawQuery);
  return { ...callback, parameters, values: Object.fromEntries(parameters) };
}

async function errorsOf(response: Response): Promise<unknown> {
  return ((await response.json()) as { errors: unknown }).errors;
}

function receivedStatusesAndAmounts() {
  return receiver.received.map((_, index) => {
    const { values } = notification(index);
    return [values.status, values.amount];
  });
}

describe('checkout page', () => {
  it('shows the order with the preselected card and stable test ids', async () => {
    const payload = exampleCreatePayload(callbackUrls());
    payload.submitPayment.via = 'mastercard';
    const { reservationUuid, paymentUrl } = await createReservation(payload);

    const response = await fetch(paymentUrl);
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(html).toMatch(new RegExp(`<title>[^<]*${reservationUuid}[^<]*</title>`));
    expect(html).toMatch(/data-testid="card-mastercard" checked/);
    expect(html).not.toMatch(/data-testid="card-visa" checked/);
    for (const testId of ['card-visa', 'pay', 'decline', 'grand-total']) {
      expect(html).toContain(`data-testid="${testId}"`);
    }
    expect(html).toContain('Cabin, two nights');
    expect(html).toContain('BOOKING-1001');
    expect(html).not.toContain('Kari Nordmann');
    expect(html).not.toMatch(/<script|<link/);
  });
});

describe('paying on the checkout page', () => {
  it('reserves, sends a signed callback, then redirects to the success URL', async () => {
    const { reservationUuid, paymentUrl } = await createReservation(
      exampleCreatePayload(callbackUrls('?merchant=Cabin%20Co&ref=A%261')),
    );
    const before = Math.floor(Date.now() / 1000);

    const response = await submitCheckoutForm(paymentUrl, 'pay', 'mastercard');

    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(
      'https://merchant.example/booking/done?result=paid',
    );
    expect(receiver.received).toHaveLength(1);
    const { path, rawQuery, parameters, values } = notification(0);
    expect(path).toBe('/callbacks/front-payment');
    expect(parameters.map(([name]) => name)).toEqual([
      'merchant',
      'ref',
      ...NOTIFICATION_PARAMETERS,
    ]);
    expect(values).toMatchObject({
      merchant: 'Cabin Co',
      ref: 'A&1',
      orderUuid: reservationUuid,
      status: 'RESERVED',
      paymentMethod: 'Mastercard',
      amount: '1000',
    });
    expect(Number(values.createdAt)).toBeGreaterThanOrEqual(before);
    expect(Number(values.timestamp)).toBeGreaterThanOrEqual(Number(values.createdAt));
    expect(hasValidChecksum(parseRawQuery(rawQuery), SECRET)).toBe(true);
    expect(hasValidChecksum(parseRawQuery(rawQuery), 'another-secret')).toBe(false);
    expect(
      sandbox.reservations().find((item) => item.reservationUuid === reservationUuid),
    ).toMatchObject({
      status: 'RESERVED',
      isPaid: true,
      paymentMethod: 'mastercard',
      reservedAmount: 1000,
    });
    expect(sandbox.callbacks.at(-1)).toMatchObject({ statusCode: 200, status: 'RESERVED' });
  });

  it('refuses to take a second payment with a clear page and no second callback', async () => {
    const { paymentUrl } = await createReservation();
    await submitCheckoutForm(paymentUrl, 'pay', 'visa');

    const second = await submitCheckoutForm(paymentUrl, 'pay', 'visa');
    const page = await fetch(paymentUrl);

    expect(second.status).toBe(409);
    expect(await second.text()).toContain('Already paid');
    expect(await page.text()).toContain('data-testid="not-payable"');
    expect(receiver.received).toHaveLength(1);
  });

  it('redirects a declined payment to the failure URL and sends no callback', async () => {
    const { reservationUuid, paymentUrl } = await createReservation();

    const response = await submitCheckoutForm(paymentUrl, 'decline');

    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('https://merchant.example/booking/failed');
    expect(receiver.received).toHaveLength(0);
    expect(
      sandbox.reservations().find((item) => item.reservationUuid === reservationUuid),
    ).toMatchObject({ status: 'DECLINED', isPaid: false, reservedAmount: 0 });
  });

  it('lands on sandbox pages when the reservation has no success or failure URL', async () => {
    const payload = exampleCreatePayload({ callbackUrl: `${receiver.url}/cb` });
    const declined = await createReservation(payload);
    const paid = await createReservation(payload);

    const declinedAnswer = await submitCheckoutForm(declined.paymentUrl, 'decline');
    const paidAnswer = await submitCheckoutForm(paid.paymentUrl, 'pay', 'visa');
    const paidPage = await fetch(`${sandbox.url}${paidAnswer.headers.get('location')}`);

    expect(declinedAnswer.headers.get('location')).toBe(
      `/checkout/${declined.reservationUuid}/declined`,
    );
    expect(paidAnswer.headers.get('location')).toBe(`/checkout/${paid.reservationUuid}/paid`);
    expect(await paidPage.text()).toContain('data-testid="paid"');
  });

  it('lets the customer pay after a declined card', async () => {
    const { reservationUuid } = await createReservation();

    await sandbox.decline(reservationUuid);
    await sandbox.pay(reservationUuid, 'visa');

    expect(receivedStatusesAndAmounts()).toEqual([['RESERVED', '1000']]);
    expect(
      sandbox.reservations().find((item) => item.reservationUuid === reservationUuid)?.history,
    ).toEqual([
      expect.objectContaining({ status: 'SENT' }),
      expect.objectContaining({ status: 'DECLINED' }),
      expect.objectContaining({ status: 'RESERVED', paymentMethod: 'visa' }),
    ]);
  });

  it('asks for a card when the form carries no valid method', async () => {
    const { paymentUrl } = await createReservation();

    const response = await submitCheckoutForm(paymentUrl, 'pay', 'amex');

    expect(response.status).toBe(400);
    expect(receiver.received).toHaveLength(0);
  });
});

describe('captures and charges', () => {
  async function captureThroughApi(reservationUuid: string, amount: number, productId?: number) {
    const reservation = sandbox
      .reservations()
      .find((item) => item.reservationUuid === reservationUuid);
    return fetch(`${sandbox.url}/api/v1/connect/reservations/capture/${reservationUuid}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        products: { '0': { id: productId ?? reservation?.products[0]?.id, amount } },
        grandTotal: amount,
        additionalText: 'Stay completed',
      }),
    });
  }

  it('captures in parts up to the reserved amount, then charges, each with its callback', async () => {
    const { reservationUuid } = await createReservation();
    await sandbox.pay(reservationUuid, 'visa');

    const partial = await captureThroughApi(reservationUuid, 300.5);
    await sandbox.settled();
    await sandbox.capture(reservationUuid, 699.5);
    await sandbox.charge(reservationUuid, 150);
    await sandbox.charge(reservationUuid, 25);

    expect(partial.status).toBe(202);
    expect(await partial.json()).toMatchObject({
      status_code: 202,
      data: { captureUuid: expect.stringMatching(/^CAP\d{10}$/), amount: 300.5 },
    });
    // As documented: `amount` is the order's total and `createdAt` its creation, every time.
    expect(receivedStatusesAndAmounts()).toEqual([
      ['RESERVED', '1000'],
      ['CAPTURED', '1000'],
      ['CAPTURED', '1000'],
      ['CHARGED', '1000'],
      ['CHARGED', '1000'],
    ]);
    const createdAts = receiver.received.map((_, index) => notification(index).values.createdAt);
    expect(new Set(createdAts).size).toBe(1);
    for (let index = 0; index < receiver.received.length; index += 1) {
      expect(hasValidChecksum(notification(index).parameters, SECRET)).toBe(true);
    }
    expect(
      sandbox.reservations().find((item) => item.reservationUuid === reservationUuid),
    ).toMatchObject({
      status: 'CHARGED',
      reservedAmount: 1000,
      capturedAmount: 1000,
      chargedAmount: 175,
    });
  });

  it("sends the change's own amount and time under the perChangeAmounts quirk", async () => {
    sandbox.setQuirks({ perChangeAmounts: true });
    const { reservationUuid } = await createReservation();
    await sandbox.pay(reservationUuid, 'visa');
    await sandbox.capture(reservationUuid, 300.5);
    await sandbox.charge(reservationUuid, 25);

    expect(receivedStatusesAndAmounts()).toEqual([
      ['RESERVED', '1000'],
      ['CAPTURED', '300.5'],
      ['CHARGED', '25'],
    ]);
    const reservation = sandbox
      .reservations()
      .find((item) => item.reservationUuid === reservationUuid);
    const charged = reservation?.movements.find((movement) => movement.kind === 'charged');
    expect(notification(2).values.createdAt).toBe(
      String(Math.floor(Date.parse(charged?.at ?? '') / 1000)),
    );
  });

  it('refuses a capture beyond the reserved amount with a 400 envelope', async () => {
    const { reservationUuid } = await createReservation();
    await sandbox.pay(reservationUuid, 'visa');
    await sandbox.capture(reservationUuid, 900);

    const response = await captureThroughApi(reservationUuid, 100.01);

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      status_code: 400,
      message: 'captureAmountExceedsReservedAmount',
      is_error: true,
    });
    await expect(sandbox.capture(reservationUuid, 100.01)).rejects.toThrow(/exceeds/);
    await sandbox.capture(reservationUuid, 100);
  });

  it('refuses capture and charge before the reservation is paid', async () => {
    const { reservationUuid } = await createReservation();

    const response = await captureThroughApi(reservationUuid, 100);

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ message: 'reservationNotReserved' });
    await expect(sandbox.charge(reservationUuid, 10)).rejects.toThrow(/not been reserved/);
    expect(receiver.received).toHaveLength(0);
  });

  it('validates the capture body: unknown product ids and missing amounts get 417', async () => {
    const { reservationUuid } = await createReservation();
    await sandbox.pay(reservationUuid, 'visa');

    const unknownProduct = await captureThroughApi(reservationUuid, 100, 999_999);
    const missing = await fetch(
      `${sandbox.url}/api/v1/connect/reservations/capture/${reservationUuid}`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ products: { '0': { id: 1 } } }),
      },
    );

    expect(unknownProduct.status).toBe(417);
    expect(await errorsOf(unknownProduct)).toEqual({
      'products.0.id': ['The selected products.0.id is invalid.'],
    });
    expect(await errorsOf(missing)).toEqual({
      'products.0.amount': ['The products.0.amount field is required.'],
      grandTotal: ['The grand total field is required.'],
    });
  });
});

describe('callback quirks and formulas', () => {
  it('misspells RESERVED as RESEVRED and signs what it sends', async () => {
    sandbox.setQuirks({ misspellReserved: true });
    const { reservationUuid } = await createReservation();

    await sandbox.pay(reservationUuid, 'visa');

    const { values, parameters } = notification(0);
    expect(values.status).toBe('RESEVRED');
    expect(hasValidChecksum(parameters, SECRET)).toBe(true);
  });

  it('writes statuses capitalized', async () => {
    sandbox.setQuirks({ statusCase: 'capitalized', misspellReserved: true });
    const { reservationUuid } = await createReservation();

    await sandbox.pay(reservationUuid, 'visa');
    await sandbox.capture(reservationUuid, 10);

    expect(receivedStatusesAndAmounts().map(([status]) => status)).toEqual([
      'Resevred',
      'Captured',
    ]);
  });

  it('sends every callback twice, identical', async () => {
    sandbox.setQuirks({ duplicateCallbacks: true });
    const { reservationUuid } = await createReservation();

    await sandbox.pay(reservationUuid, 'visa');

    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[0]).toEqual(receiver.received[1]);
  });

  it('holds callbacks and delivers them newest first when flushed over HTTP', async () => {
    sandbox.setQuirks({ reverseCallbackOrder: true });
    const { reservationUuid } = await createReservation();
    await sandbox.pay(reservationUuid, 'visa');
    await sandbox.capture(reservationUuid, 400);
    const heldBeforeFlush = receiver.received.length;

    const response = await fetch(
      `${sandbox.url}/_sandbox/reservations/${reservationUuid}/flush-callbacks`,
      { method: 'POST' },
    );

    expect(heldBeforeFlush).toBe(0);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      delivered: [{ status: 'CAPTURED' }, { status: 'RESERVED' }],
    });
    expect(receivedStatusesAndAmounts()).toEqual([
      ['CAPTURED', '1000'],
      ['RESERVED', '1000'],
    ]);
  });

  it('signs with an older formula when configured', async () => {
    const legacy = await startFrontPaymentSandbox({
      token: TOKEN,
      callbackSecret: SECRET,
      checksumFormula: 'order-status-created',
    });
    try {
      const response = await fetch(`${legacy.url}/api/v1/connect/reservations/create`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(exampleCreatePayload(callbackUrls('?merchant=x'))),
      });
      const { data } = (await response.json()) as { data: { reservationUuid: string } };

      await legacy.pay(data.reservationUuid, 'visa');

      const { parameters } = notification(0);
      expect(hasValidChecksum(parameters, SECRET, 'order-status-created')).toBe(true);
      expect(hasValidChecksum(parameters, SECRET, 'all-parameters')).toBe(false);
    } finally {
      await legacy.stop();
    }
  });

  it('records what the receiver answered, and a receiver that is down', async () => {
    receiver.answerWith(503);
    const answered = await createReservation();
    const down = await createReservation(
      exampleCreatePayload({ callbackUrl: `http://127.0.0.1:${await findFreePort()}/cb` }),
    );

    await sandbox.pay(answered.reservationUuid, 'visa');
    await sandbox.pay(down.reservationUuid, 'visa');

    const recorded = sandbox.callbacks.slice(-2);
    expect(recorded[0]).toMatchObject({
      reservationUuid: answered.reservationUuid,
      statusCode: 503,
    });
    expect(recorded[1]).toMatchObject({
      reservationUuid: down.reservationUuid,
      statusCode: undefined,
      error: expect.stringContaining('ECONNREFUSED'),
    });
  });
});
