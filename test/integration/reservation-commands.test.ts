import { randomUUID } from 'node:crypto';
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { LOCAL_ACCOUNT_ID } from '../../infra/local/api-gateway-event.ts';
import type { SandboxFault } from '../../infra/local/front-payment-sandbox/index.ts';
import { sampleReservationRequest } from '../../infra/local/sample-reservation.ts';
import { httpApiEvent, lambdaContext } from '../support/api-gateway-events.ts';
import { useLocalStack } from '../support/local-stack.ts';

const suffix = randomUUID().slice(0, 8);
const local = useLocalStack({ publishPendingIntervalMs: 500 });

interface Answer {
  readonly status: number;
  readonly replayed: boolean;
  readonly retryAfter: string | null;
  readonly body: Record<string, unknown>;
}

async function command(
  reservationId: string,
  name: string,
  body: unknown,
  key: string | null = randomUUID(),
): Promise<Answer> {
  const response = await fetch(`${local.stack.urls.api}/reservations/${reservationId}/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    replayed: response.headers.get('idempotent-replayed') === 'true',
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

async function read(reservationId: string, refresh = false) {
  const response = await fetch(
    `${local.stack.urls.api}/reservations/${reservationId}${refresh ? '?refresh=true' : ''}`,
  );
  return { status: response.status, body: (await response.json()) as ReservationBody };
}

interface ReservationBody {
  readonly status: string;
  readonly cumulative: Record<string, number>;
  readonly history: readonly { status: string; amount: number; reference: string | null }[];
  readonly commands: readonly { command: string; state: string; reference?: string }[];
}

/** A reservation paid at the sandbox (1370: lines of 1120 and 250), its callback recorded. */
async function paidReservation(pay = true) {
  const created = await local.client.createReservation(
    sampleReservationRequest({ returnBaseUrl: local.stack.urls.api, referenceNo: `CMD-${suffix}` }),
    randomUUID(),
  );
  if (pay) await local.sandbox.pay(created.reservationUuid, 'visa');
  return created;
}

/** Front Payment's product line ids of the reservation, in order (1120 and 250). */
function productLineIds(reservationUuid: string): number[] {
  const reservation = local.sandbox
    .reservations()
    .find((item) => item.reservationUuid === reservationUuid);
  return (reservation?.products ?? []).map((product) => product.id);
}

/** Front Payment calls of one kind for one reservation. */
function callsTo(operation: string, reservationUuid: string) {
  return local.sandbox.calls.filter(
    (call) => call.path === `/api/v1/connect/reservations/${operation}/${reservationUuid}`,
  );
}

async function eventsOf(reservationUuid: string) {
  await local.sandbox.settled();
  return (await local.client.events())
    .map((event) => event.detail as { reservationUuid: string; status: string; amount: number })
    .filter((detail) => detail.reservationUuid === reservationUuid);
}

/** The next Front Payment request passes; the one after gets `fault` (a command's own call). */
function faultOnCommandCall(fault: SandboxFault) {
  local.sandbox.injectFault({ kind: 'delay', delayMs: 0 });
  local.sandbox.injectFault(fault);
}

describe('capture', () => {
  it('captures part, then the rest; each capture is one Front Payment call, one history entry and one event', async () => {
    const { reservationId, reservationUuid } = await paidReservation();
    const key = randomUUID();

    const part = await command(reservationId, 'capture', { amount: 500, note: 'first night' }, key);
    const replay = await command(
      reservationId,
      'capture',
      { amount: 500, note: 'first night' },
      key,
    );
    const rest = await command(reservationId, 'capture', {});

    expect(part).toMatchObject({
      status: 202,
      replayed: false,
      body: {
        command: 'capture',
        state: 'ACCEPTED',
        amount: 500,
        reference: expect.stringMatching(/^CAP/),
      },
    });
    expect(replay).toMatchObject({ status: 202, replayed: true, body: part.body });
    expect(rest.body).toMatchObject({ state: 'ACCEPTED', amount: 870 });
    expect(callsTo('capture', reservationUuid)).toHaveLength(2);
    expect(callsTo('capture', reservationUuid)[0]?.body).toMatchObject({
      grandTotal: 500,
      additionalText: 'first night',
      products: { '0': { amount: 500 } },
    });
    const events = await eventsOf(reservationUuid);
    expect(events.map((event) => [event.status, event.amount])).toEqual([
      ['RESERVED', 1370],
      ['CAPTURED', 500],
      ['CAPTURED', 870],
    ]);
    const { body } = await read(reservationId);
    expect(body).toMatchObject({
      status: 'CAPTURED',
      cumulative: { reserved: 1370, captured: 1370 },
    });
    expect(body.history.map((entry) => entry.status)).toEqual(['RESERVED', 'CAPTURED', 'CAPTURED']);
    expect(body.commands).toHaveLength(2);
  });

  it('captures product lines by index and by Front Payment line id', async () => {
    const { reservationId, reservationUuid } = await paidReservation();
    const answer = await command(reservationId, 'capture', {
      lines: [{ index: 1, amount: 100 }],
    });
    expect(answer.status).toBe(202);
    const [call] = callsTo('capture', reservationUuid);
    const lineId = local.sandbox
      .reservations()
      .find((item) => item.reservationUuid === reservationUuid)?.products[1]?.id;
    expect(call?.body).toMatchObject({
      grandTotal: 100,
      products: { '0': { id: lineId, amount: 100 } },
    });
  });

  it('spreads a partial capture over what each product line still holds', async () => {
    const { reservationId, reservationUuid } = await paidReservation();
    const [first, second] = productLineIds(reservationUuid);
    await command(reservationId, 'capture', { lines: [{ index: 0, amount: 1000 }] });

    const answer = await command(reservationId, 'capture', { amount: 300 });

    expect(answer).toMatchObject({ status: 202, body: { state: 'ACCEPTED', amount: 300 } });
    expect(callsTo('capture', reservationUuid)[1]?.body).toMatchObject({
      grandTotal: 300,
      products: { '0': { id: first, amount: 120 }, '1': { id: second, amount: 180 } },
    });
  });

  it('refuses with 409 naming the line a capture of more than a product line holds', async () => {
    const { reservationId, reservationUuid } = await paidReservation();
    const [, second] = productLineIds(reservationUuid);

    const tooMuch = await command(reservationId, 'capture', { lines: [{ index: 1, amount: 300 }] });

    expect(tooMuch).toMatchObject({
      status: 409,
      body: { rule: 'line-exceeds-remaining', retryable: false },
    });
    expect(tooMuch.body.detail).toContain(String(second));
    expect(tooMuch.body.detail).toMatch(/250/);
    expect(callsTo('capture', reservationUuid)).toHaveLength(0);
  });

  it('refuses a capture of more than is left with 409 naming the rule, and calls no capture', async () => {
    const { reservationId, reservationUuid } = await paidReservation();
    await command(reservationId, 'capture', { amount: 1000 });

    const tooMuch = await command(reservationId, 'capture', { amount: 371 });

    expect(tooMuch).toMatchObject({
      status: 409,
      body: { rule: 'capture-exceeds-remaining', retryable: false },
    });
    expect(tooMuch.body.detail).toMatch(/370/);
    expect(callsTo('capture', reservationUuid)).toHaveLength(1);
  });

  it('refuses to capture an unpaid reservation', async () => {
    const { reservationId } = await paidReservation(false);
    expect(await command(reservationId, 'capture', {})).toMatchObject({
      status: 409,
      body: { rule: 'not-reserved' },
    });
  });
});

describe('refund', () => {
  it('refunds part of a capture; without a reference it picks the newest capture large enough', async () => {
    const { reservationId, reservationUuid } = await paidReservation();
    const first = await command(reservationId, 'capture', { amount: 1000 });
    await command(reservationId, 'capture', { amount: 100 });

    const refund = await command(reservationId, 'refund', { amount: 300 });

    expect(refund).toMatchObject({
      status: 202,
      body: { state: 'ACCEPTED', amount: 300, reference: first.body.reference },
    });
    expect(callsTo('refund', reservationUuid)[0]?.body).toMatchObject({
      type: 'reservation',
      grandTotal: 300,
      source: 'captured',
      reference: first.body.reference,
    });
    const { body } = await read(reservationId);
    expect(body.cumulative.refunded).toBe(300);
    expect(
      (await eventsOf(reservationUuid)).filter((event) => event.status === 'REFUNDED'),
    ).toEqual([expect.objectContaining({ amount: 300 })]);
  });

  it("shows the status Front Payment's details show: a partial refund is not REFUNDED, a later capture an ordinary movement", async () => {
    const { reservationId, reservationUuid } = await paidReservation();
    await command(reservationId, 'capture', { amount: 500 });
    await command(reservationId, 'refund', { amount: 100 });

    const refunded = await read(reservationId, true);
    await command(reservationId, 'capture', { amount: 300 });
    const { body } = await read(reservationId, true);

    expect(refunded.body).toMatchObject({
      status: 'CAPTURED',
      cumulative: { reserved: 1370, captured: 500, charged: 0, refunded: 100 },
    });
    expect(body).toMatchObject({
      status: 'CAPTURED',
      cumulative: { reserved: 1370, captured: 800, charged: 0, refunded: 100 },
    });
    const events = (await eventsOf(reservationUuid)) as unknown as {
      status: string;
      previousStatus: string;
      currentStatus: string;
    }[];
    expect(
      events.map((event) => [event.status, event.previousStatus, event.currentStatus]),
    ).toEqual([
      ['RESERVED', 'SESSION_CREATED', 'RESERVED'],
      ['CAPTURED', 'RESERVED', 'CAPTURED'],
      ['REFUNDED', 'CAPTURED', 'CAPTURED'],
      ['CAPTURED', 'CAPTURED', 'CAPTURED'],
    ]);
  });

  it('records two concurrent refunds as two REFUNDED events of their own amounts', async () => {
    const { reservationId, reservationUuid } = await paidReservation();
    await command(reservationId, 'capture', { amount: 1000 });

    const answers = await Promise.all([
      command(reservationId, 'refund', { amount: 100 }),
      command(reservationId, 'refund', { amount: 250 }),
    ]);
    await read(reservationId, true);

    expect(answers.map((answer) => answer.status)).toEqual([202, 202]);
    const refunds = (await eventsOf(reservationUuid)).filter(
      (event) => event.status === 'REFUNDED',
    );
    expect(refunds.map((event) => event.amount).sort((a, b) => a - b)).toEqual([100, 250]);
  });

  it('refunds after the reservation is COMPLETED: hotels refund after the guest has left', async () => {
    const { reservationId, reservationUuid } = await paidReservation();
    await command(reservationId, 'capture', {});
    await command(reservationId, 'complete', { note: 'stay ended' });

    const refund = await command(reservationId, 'refund', { amount: 200 });
    const tooMuch = await command(reservationId, 'refund', { amount: 1171 });

    expect(refund).toMatchObject({ status: 202, body: { state: 'ACCEPTED', amount: 200 } });
    expect(tooMuch).toMatchObject({ status: 409, body: { rule: 'refund-exceeds-paid' } });
    const { body } = await read(reservationId, true);
    expect(body).toMatchObject({
      status: 'COMPLETED',
      cumulative: { captured: 1370, refunded: 200 },
    });
    expect((await eventsOf(reservationUuid)).map((event) => [event.status, event.amount])).toEqual([
      ['RESERVED', 1370],
      ['CAPTURED', 1370],
      ['COMPLETED', 0],
      ['REFUNDED', 200],
    ]);
  });

  it('refunds from the product lines that were captured, and refuses a line that holds too little', async () => {
    const { reservationId, reservationUuid } = await paidReservation();
    const [first, second] = productLineIds(reservationUuid);
    await command(reservationId, 'capture', { lines: [{ index: 1, amount: 250 }] });

    const refund = await command(reservationId, 'refund', { amount: 200 });
    const wrongLine = await command(reservationId, 'refund', {
      lines: [{ productId: String(first), amount: 10 }],
    });

    expect(refund.status).toBe(202);
    expect(callsTo('refund', reservationUuid)[0]?.body).toMatchObject({
      grandTotal: 200,
      products: [{ id: second, amount: 200 }],
    });
    expect(wrongLine).toMatchObject({ status: 409, body: { rule: 'line-exceeds-remaining' } });
    expect(wrongLine.body.detail).toContain(String(first));
    expect(callsTo('refund', reservationUuid)).toHaveLength(1);
  });

  it('refuses a refund of more than was captured and not yet refunded', async () => {
    const { reservationId, reservationUuid } = await paidReservation();
    await command(reservationId, 'capture', { amount: 200 });
    await command(reservationId, 'refund', { amount: 150 });

    const tooMuch = await command(reservationId, 'refund', { amount: 60 });

    expect(tooMuch).toMatchObject({ status: 409, body: { rule: 'refund-exceeds-paid' } });
    expect(callsTo('refund', reservationUuid)).toHaveLength(1);
  });
});

describe('charge, cancel, complete and resend', () => {
  it('charges the stored card with new product lines and answers its CHA reference', async () => {
    const { reservationId, reservationUuid } = await paidReservation();
    const charge = await command(reservationId, 'charge', {
      products: [{ name: 'Late checkout', productId: 'LATE', rate: 400, tax: 25, amount: 500 }],
      grandTotal: 500,
    });
    expect(charge).toMatchObject({
      status: 202,
      body: { reference: expect.stringMatching(/^CHA/), amount: 500 },
    });
    expect((await eventsOf(reservationUuid)).map((event) => event.status)).toEqual([
      'RESERVED',
      'CHARGED',
    ]);
  });

  it('refuses a charge whose grandTotal is not the sum of its products, naming the field', async () => {
    const { reservationId } = await paidReservation();
    const answer = await command(reservationId, 'charge', {
      products: [{ name: 'Late checkout', rate: 400, tax: 25, amount: 500 }],
      grandTotal: 400,
    });
    expect(answer).toMatchObject({
      status: 400,
      body: {
        code: 'validation-failed',
        errors: [expect.objectContaining({ path: 'grandTotal' })],
      },
    });
  });

  it('completes a captured reservation; anything after that is a 409', async () => {
    const { reservationId, reservationUuid } = await paidReservation();
    await command(reservationId, 'capture', {});

    const complete = await command(reservationId, 'complete', { note: 'stay ended' });
    const after = await command(reservationId, 'capture', { amount: 1 });

    expect(complete).toMatchObject({ status: 202, body: { state: 'ACCEPTED' } });
    expect(after).toMatchObject({ status: 409, body: { rule: 'reservation-closed' } });
    expect((await read(reservationId, true)).body.status).toBe('COMPLETED');
    expect((await eventsOf(reservationUuid)).map((event) => event.status)).toEqual([
      'RESERVED',
      'CAPTURED',
      'COMPLETED',
    ]);
  });

  it('cancels a reserved reservation; a captured one cannot be cancelled', async () => {
    const reserved = await paidReservation();
    const captured = await paidReservation();
    await command(captured.reservationId, 'capture', { amount: 10 });

    const cancel = await command(reserved.reservationId, 'cancel', { note: 'guest cancelled' });
    const refused = await command(captured.reservationId, 'cancel', { note: 'guest cancelled' });

    expect(cancel.status).toBe(202);
    expect((await read(reserved.reservationId)).body.status).toBe('CANCELLED');
    expect(refused).toMatchObject({ status: 409, body: { rule: 'cancel-after-capture' } });
    expect(callsTo('cancel', captured.reservationUuid)).toHaveLength(0);
  });

  it('requires the note of cancel and complete', async () => {
    const { reservationId } = await paidReservation();
    expect(await command(reservationId, 'cancel', {})).toMatchObject({
      status: 400,
      body: { errors: [{ path: 'note', message: 'is required' }] },
    });
  });

  it('resends the payment link with contact data that is passed through and never stored', async () => {
    const { reservationId, reservationUuid } = await paidReservation(false);
    const email = `guest-${suffix}@example.com`;

    const answer = await command(reservationId, 'resend', { email });

    expect(answer).toMatchObject({ status: 202, body: { command: 'resend', state: 'ACCEPTED' } });
    expect(callsTo('resend', reservationUuid)[0]?.body).toEqual({ email });
    const { Items = [] } = await local.stack.documents.send(
      new QueryCommand({
        TableName: local.stack.tableNames.reservations,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `RESERVATION#${reservationId}` },
      }),
    );
    expect(JSON.stringify(Items)).not.toContain(email);
  });
});

describe('idempotency and access', () => {
  it('requires an Idempotency-Key, refuses the same key with other content, 404s unknown reservations', async () => {
    const { reservationId, reservationUuid } = await paidReservation();
    const key = randomUUID();

    expect(await command(reservationId, 'capture', {}, '')).toMatchObject({ status: 400 });
    expect((await command(reservationId, 'capture', {}, null)).body).toMatchObject({
      errors: [{ path: 'Idempotency-Key' }],
    });
    await command(reservationId, 'capture', { amount: 10 }, key);
    expect(await command(reservationId, 'capture', { amount: 11 }, key)).toMatchObject({
      status: 409,
      body: { retryable: false },
    });
    expect((await command('no-such-reservation', 'capture', {})).status).toBe(404);
    expect((await read('no-such-reservation')).status).toBe(404);
    expect(callsTo('capture', reservationUuid)).toHaveLength(1);
  });

  it('sends concurrent duplicates to Front Payment once', async () => {
    const { reservationId, reservationUuid } = await paidReservation();
    const key = randomUUID();
    local.sandbox.injectFault({ kind: 'delay', delayMs: 300 });

    const answers = await Promise.all(
      Array.from({ length: 5 }, () => command(reservationId, 'capture', { amount: 50 }, key)),
    );

    expect(callsTo('capture', reservationUuid)).toHaveLength(1);
    expect(answers.filter((answer) => answer.status === 202 && !answer.replayed)).toHaveLength(1);
    for (const answer of answers.filter((each) => each.status !== 202)) {
      expect(answer).toMatchObject({ status: 409, retryAfter: '1', body: { retryable: true } });
    }
    expect(
      (await eventsOf(reservationUuid)).filter((event) => event.status === 'CAPTURED'),
    ).toHaveLength(1);
  });
});

describe("the merchant's reservations, whichever of its principals calls", () => {
  const TASK_A = `arn:aws:sts::${LOCAL_ACCOUNT_ID}:assumed-role/merchant-app/task-a`;
  const TASK_B = `arn:aws:sts::${LOCAL_ACCOUNT_ID}:assumed-role/merchant-app/1767225600000`;
  const REPORTING = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:user/reporting`;

  /** The handlers the local stack serves (one module per process), invoked as `caller`. */
  async function asCaller(callerArn: string) {
    const [create, commands] = await Promise.all([
      import('../../functions/create-session/handler.ts'),
      import('../../functions/reservation-commands/handler.ts'),
    ]);
    return {
      create: async (body: unknown, key: string) =>
        create.handler(
          httpApiEvent({
            method: 'POST',
            path: '/reservations',
            headers: { 'content-type': 'application/json', 'idempotency-key': key },
            body: JSON.stringify(body),
            callerArn,
          }),
          lambdaContext(),
        ),
      command: async (reservationId: string, name: string, body: unknown, key: string) =>
        commands.handler(
          httpApiEvent({
            method: 'POST',
            path: `/reservations/${reservationId}/${name}`,
            routeKey: `POST /reservations/{reservationId}/${name}`,
            pathParameters: { reservationId },
            headers: { 'content-type': 'application/json', 'idempotency-key': key },
            body: JSON.stringify(body),
            callerArn,
          }),
          lambdaContext(),
        ),
      read: async (reservationId: string) =>
        commands.handler(
          httpApiEvent({
            method: 'GET',
            path: `/reservations/${reservationId}`,
            routeKey: 'GET /reservations/{reservationId}',
            pathParameters: { reservationId },
            callerArn,
          }),
          lambdaContext(),
        ),
    };
  }

  /** A reservation `caller` created through the handler, paid at the sandbox. */
  async function paidBy(caller: Awaited<ReturnType<typeof asCaller>>, referenceNo: string) {
    const created = await caller.create(
      sampleReservationRequest({ returnBaseUrl: local.stack.urls.api, referenceNo }),
      randomUUID(),
    );
    const { reservationId, reservationUuid } = JSON.parse(created.body ?? '{}') as {
      reservationId: string;
      reservationUuid: string;
    };
    await local.sandbox.pay(reservationUuid, 'visa');
    return { reservationId, reservationUuid };
  }

  it("reproduction: task B of the same role captures task A's reservation; a retry from task A is the same command", async () => {
    const [taskA, taskB] = await Promise.all([asCaller(TASK_A), asCaller(TASK_B)]);
    const { reservationId, reservationUuid } = await paidBy(taskA, `ROLE-${suffix}`);
    const key = randomUUID();

    const capture = await taskB.command(reservationId, 'capture', { amount: 100 }, key);
    const retry = await taskA.command(reservationId, 'capture', { amount: 100 }, key);

    expect(capture.statusCode).toBe(202);
    expect(retry).toMatchObject({ statusCode: 202, headers: { 'idempotent-replayed': 'true' } });
    expect(JSON.parse(retry.body ?? '{}')).toEqual(JSON.parse(capture.body ?? '{}'));
    expect(callsTo('capture', reservationUuid)).toHaveLength(1);
  });

  it('lets any principal the authorizer lets through read and act on a reservation; keys stay per caller', async () => {
    const [taskA, reporting] = await Promise.all([asCaller(TASK_A), asCaller(REPORTING)]);
    const { reservationId, reservationUuid } = await paidBy(taskA, `ANY-${suffix}`);
    const key = randomUUID();

    const read = await reporting.read(reservationId);
    const byRole = await taskA.command(reservationId, 'capture', { amount: 100 }, key);
    const byUser = await reporting.command(reservationId, 'capture', { amount: 100 }, key);

    expect(read.statusCode).toBe(200);
    expect(JSON.parse(read.body ?? '{}')).toMatchObject({ reservationId, status: 'RESERVED' });
    expect(read.body).not.toContain('owner');
    expect(byRole.statusCode).toBe(202);
    // The same key from another caller is another command: keys are scoped per caller.
    expect(byUser.statusCode).toBe(202);
    expect(byUser.headers).not.toHaveProperty('idempotent-replayed');
    expect(callsTo('capture', reservationUuid)).toHaveLength(2);
  });
});

describe("Front Payment's failures", () => {
  it('maps a refusal before acting to a retryable answer; the same key may then be sent again', async () => {
    const { reservationId, reservationUuid } = await paidReservation();
    const key = randomUUID();
    faultOnCommandCall({ kind: 'status', statusCode: 503 });

    const refused = await command(reservationId, 'capture', { amount: 20 }, key);
    const retried = await command(reservationId, 'capture', { amount: 20 }, key);

    expect(refused).toMatchObject({ status: 502, body: { retryable: true } });
    expect(retried).toMatchObject({ status: 202, replayed: false, body: { state: 'ACCEPTED' } });
    expect(callsTo('capture', reservationUuid)).toHaveLength(2);
  });

  it("answers Front Payment's business refusal as 422 without retry", async () => {
    const { reservationId } = await paidReservation();
    faultOnCommandCall({ kind: 'status', statusCode: 400 });
    expect(await command(reservationId, 'capture', { amount: 20 })).toMatchObject({
      status: 422,
      body: { retryable: false },
    });
  });

  it('treats a broken answer as an unknown outcome: 502, not retryable, never resent', async () => {
    const { reservationId, reservationUuid } = await paidReservation();
    const key = randomUUID();
    faultOnCommandCall({ kind: 'broken-answer' });

    const broken = await command(reservationId, 'cancel', { note: 'guest cancelled' }, key);
    const retry = await command(reservationId, 'cancel', { note: 'guest cancelled' }, key);

    expect(broken).toMatchObject({ status: 502, body: { retryable: false } });
    expect(retry.status).toBe(409);
    expect(callsTo('cancel', reservationUuid)).toHaveLength(1);
    // The sandbox did cancel: refresh records it and settles the command.
    const refreshed = await read(reservationId, true);
    expect(refreshed.body.status).toBe('CANCELLED');
    expect(refreshed.body.commands).toEqual([
      expect.objectContaining({ command: 'cancel', state: 'ACCEPTED' }),
    ]);
  });

  it('never resends a command whose outcome is unknown; refresh records its capture once and settles the command', async () => {
    const { reservationId, reservationUuid } = await paidReservation();
    const key = randomUUID();
    local.sandbox.setQuirks({ reverseCallbackOrder: true });
    try {
      faultOnCommandCall({ kind: 'status', statusCode: 500, afterCommit: true });
      const unknown = await command(reservationId, 'capture', { amount: 70 }, key);
      const retry = await command(reservationId, 'capture', { amount: 70 }, key);

      expect(unknown).toMatchObject({ status: 502, body: { retryable: false, reservationId } });
      expect(retry).toMatchObject({ status: 409, body: { retryable: false } });
      expect(callsTo('capture', reservationUuid)).toHaveLength(1);
      expect((await read(reservationId)).body.commands).toEqual([
        expect.objectContaining({ command: 'capture', state: 'OUTCOME_UNKNOWN', amount: 70 }),
      ]);

      const refreshed = await read(reservationId, true);
      expect(refreshed.body.history.filter((entry) => entry.status === 'CAPTURED')).toEqual([
        expect.objectContaining({ amount: 70, reference: expect.stringMatching(/^CAP/) }),
      ]);
      expect(refreshed.body.commands).toEqual([
        expect.objectContaining({
          command: 'capture',
          state: 'ACCEPTED',
          amount: 70,
          reference: refreshed.body.history.find((entry) => entry.status === 'CAPTURED')?.reference,
        }),
      ]);
    } finally {
      local.sandbox.setQuirks({ reverseCallbackOrder: false });
    }
    // The held callback arrives late: still one CAPTURED event.
    await local.sandbox.flushCallbacks(reservationUuid);
    expect(
      (await eventsOf(reservationUuid)).filter((event) => event.status === 'CAPTURED'),
    ).toHaveLength(1);
  });

  it('lets the reconciler settle a command of unknown outcome from the details, publishing its capture once', async () => {
    const { reservationId, reservationUuid } = await paidReservation();
    const key = randomUUID();
    local.sandbox.setQuirks({ reverseCallbackOrder: true });
    try {
      faultOnCommandCall({ kind: 'status', statusCode: 500, afterCommit: true });
      const unknown = await command(reservationId, 'capture', { amount: 30 }, key);
      expect(unknown).toMatchObject({ status: 502, body: { retryable: false } });

      // Due now for the reconciler (it would otherwise rest until its next check).
      await local.stack.documents.send(
        new UpdateCommand({
          TableName: local.stack.tableNames.reservations,
          Key: { pk: `RESERVATION#${reservationId}`, sk: 'RESERVATION' },
          UpdateExpression: 'SET nextCheckAt = :now',
          ExpressionAttributeValues: { ':now': new Date(0).toISOString() },
        }),
      );
      await local.stack.reconcileNow();

      const { body } = await read(reservationId);
      const captured = body.history.filter((entry) => entry.status === 'CAPTURED');
      expect(captured).toEqual([expect.objectContaining({ amount: 30 })]);
      expect(body.commands).toEqual([
        expect.objectContaining({
          command: 'capture',
          state: 'ACCEPTED',
          reference: captured[0]?.reference,
        }),
      ]);
    } finally {
      local.sandbox.setQuirks({ reverseCallbackOrder: false });
    }
    await local.sandbox.flushCallbacks(reservationUuid);
    expect(
      (await eventsOf(reservationUuid)).filter((event) => event.status === 'CAPTURED'),
    ).toHaveLength(1);
  });
});
