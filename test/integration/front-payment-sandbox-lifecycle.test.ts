import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  exampleCreatePayload,
  type RunningFrontPaymentSandbox,
  startFrontPaymentSandbox,
} from '../../infra/local/front-payment-sandbox/index.ts';

const TOKEN = 'sandbox-lifecycle-token';
let sandbox: RunningFrontPaymentSandbox;

beforeAll(async () => {
  sandbox = await startFrontPaymentSandbox({ token: TOKEN, callbackSecret: 'test-secret' });
});
afterAll(() => sandbox.stop());

async function post(path: string, body: unknown) {
  const response = await fetch(`${sandbox.url}/api/v1/connect/reservations/${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${TOKEN}`,
      accept: 'application/json',
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function reservation(paid: boolean): Promise<string> {
  const created = await post('create', exampleCreatePayload());
  const uuid = (created.body.data as { reservationUuid: string }).reservationUuid;
  if (paid) await sandbox.pay(uuid, 'visa');
  return uuid;
}

describe('sandbox: complete', () => {
  it('completes a paid reservation (202); capture and cancel are refused after it', async () => {
    const uuid = await reservation(true);
    expect(await post(`complete/${uuid}`, { note: 'done' })).toMatchObject({
      status: 202,
      body: { status_code: 202, message: 'reservationCompletedSuccessfully' },
    });
    expect(await post(`cancel/${uuid}`, { note: 'too late' })).toMatchObject({
      status: 400,
      body: { message: 'reservationStatusAlreadyCompleted' },
    });
    expect((await post(`complete/${uuid}`, { note: 'again' })).status).toBe(400);
  });

  it('refuses an unpaid reservation (400) and a missing note (417)', async () => {
    const uuid = await reservation(false);
    expect(await post(`complete/${uuid}`, { note: 'x' })).toMatchObject({
      status: 400,
      body: { message: 'reservationStatusNotReserved' },
    });
    expect(await post(`complete/${uuid}`, {})).toMatchObject({
      status: 417,
      body: { errors: { note: [expect.any(String)] } },
    });
  });
});

describe('sandbox: resend', () => {
  it('resends by email or by SMS (202, data null)', async () => {
    const uuid = await reservation(false);
    expect(await post(`resend/${uuid}`, { email: 'guest@example.com' })).toMatchObject({
      status: 202,
      body: { message: 'resentOrderSuccessfully', data: null },
    });
    expect((await post(`resend/${uuid}`, { countryCode: '+47', msisdn: '40000000' })).status).toBe(
      202,
    );
  });

  it('needs a channel, both phone fields for SMS, a valid email; refuses a cancelled reservation', async () => {
    const uuid = await reservation(false);
    expect((await post(`resend/${uuid}`, {})).status).toBe(417);
    expect(await post(`resend/${uuid}`, { msisdn: '40000000' })).toMatchObject({
      status: 417,
      body: { errors: { countryCode: [expect.any(String)] } },
    });
    expect((await post(`resend/${uuid}`, { email: 'not-an-email' })).status).toBe(417);
    await post(`cancel/${uuid}`, { note: 'gone' });
    expect(await post(`resend/${uuid}`, { email: 'guest@example.com' })).toMatchObject({
      status: 400,
      body: { message: 'reservationStatusAlreadyCancelled' },
    });
  });

  it('answers 404 for an unknown reservation', async () => {
    expect((await post('resend/RES0000000000', { email: 'guest@example.com' })).status).toBe(404);
  });
});
