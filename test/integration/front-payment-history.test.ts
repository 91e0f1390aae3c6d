import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFrontPaymentClient } from '#shared/front-payment/front-payment-client';
import {
  exampleCreatePayload,
  type RunningFrontPaymentSandbox,
  startFrontPaymentSandbox,
} from '../../infra/local/front-payment-sandbox/index.ts';

const TOKEN = 'history-test-token';
let sandbox: RunningFrontPaymentSandbox;

beforeAll(async () => {
  sandbox = await startFrontPaymentSandbox({ token: TOKEN, callbackSecret: 'history-secret' });
});
afterAll(() => sandbox?.stop());

const client = () =>
  createFrontPaymentClient({ baseUrl: sandbox.url, token: async () => TOKEN, timeoutMs: 2_000 });

async function create(changes: Record<string, unknown> = {}): Promise<string> {
  const response = await fetch(`${sandbox.url}/api/v1/connect/reservations/create`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...exampleCreatePayload(), ...changes }),
  });
  return ((await response.json()) as { data: { reservationUuid: string } }).data.reservationUuid;
}

describe("the sandbox's reservation history, read by our client", () => {
  it('lists every event in the window in the documented shape: zone-less datetime, amounts as strings', async () => {
    const before = new Date(Date.now() - 1_000);
    const uuid = await create({ customerReference: 'our-id-1' });
    await sandbox.pay(uuid, 'visa');
    await sandbox.capture(uuid, 400);
    const after = new Date(Date.now() + 1_000);
    const seconds = (at: Date) => Math.floor(at.getTime() / 1000);

    const raw = (await (
      await fetch(
        `${sandbox.url}/api/v1/connect/reservations/history/${seconds(before)}/${seconds(after)}`,
        { headers: { authorization: `Bearer ${TOKEN}` } },
      )
    ).json()) as { data: Record<string, unknown>[] };
    const entries = await client().getReservationHistory(before, after);

    const ours = raw.data.filter((entry) => entry.uuid === uuid);
    expect(ours.map((entry) => entry.title)).toEqual([
      'payment-link-sent-to-customer',
      'amount-reserved',
      'amount-captured-from-reservation',
    ]);
    for (const entry of ours) {
      expect(entry.datetime).toMatch(/^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}$/);
      expect(typeof entry.amount).toBe('string');
    }
    const parsed = entries.filter((entry) => entry.reservationUuid === uuid);
    expect(parsed).toHaveLength(3);
    for (const entry of parsed) {
      // Minutes only, read as Oslo time: within a minute of when it happened.
      expect(Math.abs(Date.parse(entry.at ?? '') - Date.now())).toBeLessThan(120_000);
    }
    // Details name our id; history does not.
    expect(JSON.stringify(ours)).not.toContain('our-id-1');
    expect((await client().getReservationDetails(uuid)).customerReference).toBe('our-id-1');
  });

  it('leaves out what happened outside the window', async () => {
    const uuid = await create();
    const longAgo = new Date(Date.now() - 3 * 3_600_000);
    const entries = await client().getReservationHistory(
      longAgo,
      new Date(longAgo.getTime() + 60_000),
    );
    expect(entries.filter((entry) => entry.reservationUuid === uuid)).toEqual([]);
  });

  it('expires an unpaid link after its due date: details say EXPIRED with the due date, history says so', async () => {
    const dueAt = Math.floor(Date.now() / 1000) - 30;
    const uuid = await create({ dueDateForPaymentLink: String(dueAt) });

    const details = await client().getReservationDetails(uuid);

    expect(details.status).toBe('EXPIRED');
    expect(details.isPaid).toBe(false);
    // Minutes only, as Front Payment writes it.
    expect(Date.parse(details.paymentLinkDueDate ?? '')).toBe(Math.floor(dueAt / 60) * 60_000);
    const history = await client().getReservationHistory(
      new Date(Date.now() - 120_000),
      new Date(),
    );
    expect(
      history.filter((entry) => entry.reservationUuid === uuid).map((entry) => entry.title),
    ).toEqual(['payment-link-sent-to-customer', 'payment-link-expired']);
    await expect(sandbox.pay(uuid, 'visa')).rejects.toThrow(/expired/i);
  });

  it('with drop-callbacks records the change but calls nobody until the callbacks are flushed', async () => {
    const uuid = await create({
      callback: { callbackUrl: 'http://127.0.0.1:9/never', success: '', failure: '' },
    });
    sandbox.setQuirks({ dropCallbacks: true });
    try {
      await sandbox.pay(uuid, 'visa');
    } finally {
      sandbox.setQuirks({ dropCallbacks: false });
    }

    expect(sandbox.callbacks.filter((callback) => callback.reservationUuid === uuid)).toEqual([]);
    expect((await client().getReservationDetails(uuid)).reservedAmount).toBeGreaterThan(0);
    const late = await sandbox.flushCallbacks(uuid);
    expect(late).toHaveLength(1);
  });
});
