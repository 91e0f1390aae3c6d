import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sampleReservationRequest } from '../../infra/local/sample-reservation.ts';
import { useLocalStack } from '../support/local-stack.ts';

const local = useLocalStack();

async function createReservation(referenceNo: string) {
  return local.client.createReservation(
    sampleReservationRequest({ returnBaseUrl: local.stack.urls.api, referenceNo }),
    randomUUID(),
  );
}

interface ConsoleReservation {
  readonly reservationId: string;
  readonly status: string;
  readonly customer: { readonly card: string | null; readonly declinedAt: readonly string[] };
}

async function consoleReservations(): Promise<ConsoleReservation[]> {
  const response = await fetch(`${local.stack.urls.api}/_local/reservations`);
  return ((await response.json()) as { reservations: ConsoleReservation[] }).reservations;
}

describe('the console shows what the customer did, from Front Payment', () => {
  it('a declined payment, and the card of a payment after a decline; nothing before the customer acts', async () => {
    const untouched = await createReservation('CONSOLE-1');
    const declined = await createReservation('CONSOLE-2');
    const paid = await createReservation('CONSOLE-3');
    await local.sandbox.decline(declined.reservationUuid);
    await local.sandbox.decline(paid.reservationUuid);
    await local.sandbox.pay(paid.reservationUuid, 'mastercard');

    const shown = new Map((await consoleReservations()).map((r) => [r.reservationId, r]));

    expect(shown.get(untouched.reservationId)?.customer).toEqual({ card: null, declinedAt: [] });
    expect(shown.get(declined.reservationId)).toMatchObject({
      status: 'SESSION_CREATED',
      customer: { card: null, declinedAt: [expect.any(String)] },
    });
    expect(shown.get(paid.reservationId)).toMatchObject({
      status: 'RESERVED',
      customer: { card: 'mastercard', declinedAt: [expect.any(String)] },
    });
  });
});

describe("the console's reconciler runs", () => {
  it('include a run that found nothing due, so the console shows when it last ran', async () => {
    const before = new Date().toISOString();

    const run = await local.stack.reconcileNow();

    expect(run).toMatchObject({ checked: 0, failed: 0 });
    const { runs } = (await (await fetch(`${local.stack.urls.api}/_local/reconciler`)).json()) as {
      runs: { at: string; checked: number }[];
    };
    expect(runs.at(-1)).toMatchObject({ checked: 0 });
    expect(runs.at(-1)?.at.localeCompare(before)).toBeGreaterThanOrEqual(0);
  });
});

describe("the console's request log", () => {
  it('lists each API call with its masked bodies and each event with its detail', async () => {
    const created = await createReservation('CONSOLE-LOG');
    await local.sandbox.pay(created.reservationUuid, 'visa');
    await local.sandbox.settled();

    const response = await fetch(`${local.stack.urls.api}/_local/log`);

    expect(response.status).toBe(200);
    const text = await response.text();
    const { lines } = JSON.parse(text) as { lines: Record<string, unknown>[] };
    const create = lines.find(
      (line) =>
        line.kind === 'request' &&
        line.path === '/reservations' &&
        JSON.stringify(line.responseBody).includes(created.reservationId),
    );
    expect(create).toMatchObject({
      method: 'POST',
      statusCode: 201,
      functionName: 'create-session',
      durationMs: expect.any(Number),
      requestBody: {
        json: { referenceNo: 'CONSOLE-LOG', customerDetails: { email: '***', name: '***' } },
      },
      responseBody: { json: { reservationId: created.reservationId } },
    });
    expect(lines).toContainEqual(
      expect.objectContaining({
        kind: 'event',
        event: expect.objectContaining({
          detailType: 'Reservation Status Changed',
          detail: expect.objectContaining({
            reservationId: created.reservationId,
            status: 'RESERVED',
          }),
        }),
      }),
    );
    // The sample's customer: none of it reaches the log.
    for (const personal of [
      'ola.nordmann@example.com',
      'Ola Nordmann',
      '40000000',
      'Eksempelveien',
    ]) {
      expect(text).not.toContain(personal);
    }
    // The console's own polling is not an API call.
    expect(lines.some((line) => String(line.path).startsWith('/_local/'))).toBe(false);
  });
});
