import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxFault } from '../../infra/local/front-payment-sandbox/index.ts';
import { sampleReservationRequest } from '../../infra/local/sample-reservation.ts';
import { captureOutput } from '../support/captured-output.ts';
import { dynamoDbFaults } from '../support/dynamodb-faults.ts';
import { useLocalStack } from '../support/local-stack.ts';

// Commands whose outcome is unknown, on the real parts: the functions as `npm start` runs them,
// DynamoDB Local, the sandbox over HTTP; DynamoDB faults through the SDK client's own middleware.
const suffix = randomUUID().slice(0, 8);
const HOUR = 60 * 60_000;
let faults: ReturnType<typeof dynamoDbFaults>;
const output = captureOutput();
const local = useLocalStack({
  logLevel: 'WARN',
  publishPendingIntervalMs: 500,
  // Callbacks are signals only (and would take the faults meant for the commands): the tests
  // read Front Payment's truth with `?refresh=true` and the reconciler.
  sandboxQuirks: { dropCallbacks: true },
});

beforeAll(async () => {
  // The client the functions were loaded with (one module instance per process).
  const { dynamoDbClient } = (await import('#shared/aws/dynamodb')) as {
    dynamoDbClient: DynamoDBClient;
  };
  faults = dynamoDbFaults(dynamoDbClient);
});

afterEach(() => {
  faults.clear();
  local.sandbox.clearFaults();
});

interface Answer {
  readonly status: number;
  readonly replayed: boolean;
  readonly body: Record<string, unknown>;
}

async function command(
  reservationId: string,
  name: string,
  body: unknown,
  key: string = randomUUID(),
): Promise<Answer> {
  const response = await fetch(`${local.stack.urls.api}/reservations/${reservationId}/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    replayed: response.headers.get('idempotent-replayed') === 'true',
    body: (await response.json()) as Record<string, unknown>,
  };
}

interface CommandView {
  readonly commandId: string;
  readonly command: string;
  readonly state: string;
  readonly amount?: number;
  readonly reference?: string;
  readonly failure?: { readonly reason: string; readonly message: string };
}

async function read(reservationId: string, refresh = false) {
  const response = await fetch(
    `${local.stack.urls.api}/reservations/${reservationId}${refresh ? '?refresh=true' : ''}`,
  );
  const body = (await response.json()) as {
    commands: CommandView[];
    history: { status: string; amount: number; reference: string | null }[];
  };
  return { status: response.status, body };
}

async function paidReservation() {
  const created = await local.client.createReservation(
    sampleReservationRequest({ returnBaseUrl: local.stack.urls.api, referenceNo: `OUT-${suffix}` }),
    randomUUID(),
  );
  await local.sandbox.pay(created.reservationUuid, 'visa');
  return created;
}

function callsTo(operation: string, reservationUuid: string) {
  return local.sandbox.calls.filter(
    (call) => call.path === `/api/v1/connect/reservations/${operation}/${reservationUuid}`,
  );
}

/** Calls of Front Payment's history (of every reservation: it is not per reservation). */
function historyCalls(): number {
  return local.sandbox.calls.filter((call) =>
    call.path.startsWith('/api/v1/connect/reservations/history/'),
  ).length;
}

/** The next Front Payment request passes; the one after gets `fault` (a command's own call). */
function faultOnCommandCall(fault: SandboxFault, readsBefore = 1) {
  for (let read = 0; read < readsBefore; read++) {
    local.sandbox.injectFault({ kind: 'delay', delayMs: 0 });
  }
  local.sandbox.injectFault(fault);
}

const charge500 = {
  products: [{ name: 'Minibar', rate: 400, tax: 25, amount: 500 }],
  grandTotal: 500,
};

/** Moves the reservation's commands `ms` into the past, as if that much time had passed. */
async function commandsAged(reservationId: string, ms: number): Promise<void> {
  const { Items = [] } = await local.stack.documents.send(
    new QueryCommand({
      TableName: local.stack.tableNames.reservations,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :commands)',
      ExpressionAttributeValues: { ':pk': `RESERVATION#${reservationId}`, ':commands': 'COMMAND#' },
    }),
  );
  for (const item of Items) {
    const earlier = (at: unknown) => new Date(Date.parse(String(at)) - ms).toISOString();
    await local.stack.documents.send(
      new UpdateCommand({
        TableName: local.stack.tableNames.reservations,
        Key: { pk: item.pk, sk: item.sk },
        UpdateExpression: `SET requestedAt = :requested, updatedAt = :updated${
          item.sentAt ? ', sentAt = :sent' : ''
        }${item.inProgressUntil ? ', inProgressUntil = :until' : ''}${
          item.nextCheckAt ? ', nextCheckAt = :due' : ''
        }`,
        ExpressionAttributeValues: {
          ':requested': earlier(item.requestedAt),
          ':updated': earlier(item.updatedAt),
          ...(item.sentAt ? { ':sent': earlier(item.sentAt) } : {}),
          ...(item.inProgressUntil ? { ':until': Number(item.inProgressUntil) - ms } : {}),
          ...(item.nextCheckAt ? { ':due': earlier(item.nextCheckAt) } : {}),
        },
      }),
    );
  }
}

function commandOf(commands: readonly CommandView[], commandId: unknown): CommandView | undefined {
  return commands.find((each) => each.commandId === commandId);
}

describe('one Front Payment payment settles at most one command', () => {
  it('a refresh between a charge’s 202 and its own write does not give its CHA… to another unknown charge', async () => {
    const { reservationId, reservationUuid } = await paidReservation();
    // Charge B: Front Payment fails before acting (500 before commit): its outcome is unknown to us.
    faultOnCommandCall({ kind: 'status', statusCode: 500 });
    const chargeB = await command(reservationId, 'charge', charge500);
    expect(chargeB).toMatchObject({ status: 502, body: { retryable: false } });
    const unknownB = (await read(reservationId)).body.commands[0];

    // Charge C of the same amount succeeds; its ACCEPTED write waits until a refresh has run.
    let release = () => {};
    const accepted = faults.inject(['COMMAND#', 'ACCEPTED'], {
      kind: 'pause',
      until: new Promise<void>((resolve) => {
        release = resolve;
      }),
    });
    const chargeC = command(reservationId, 'charge', charge500);
    await accepted;
    const between = await read(reservationId, true);
    release();
    const answerC = await chargeC;

    expect(answerC).toMatchObject({ status: 202, body: { state: 'ACCEPTED' } });
    const reference = answerC.body.reference;
    expect(reference).toMatch(/^CHA/);
    expect(commandOf(between.body.commands, unknownB?.commandId)?.state).toBe('OUTCOME_UNKNOWN');
    const after = (await read(reservationId, true)).body.commands;
    expect(after.filter((each) => each.reference === reference)).toEqual([
      expect.objectContaining({ commandId: answerC.body.commandId, state: 'ACCEPTED' }),
    ]);
    expect(commandOf(after, unknownB?.commandId)?.state).toBe('OUTCOME_UNKNOWN');
    expect(callsTo('charge', reservationUuid)).toHaveLength(2);
  });

  it('settles none of two unknown charges that one payment could match; says why and alarms', async () => {
    const { reservationId } = await paidReservation();
    faultOnCommandCall({ kind: 'status', statusCode: 500, afterCommit: true });
    const first = await command(reservationId, 'charge', charge500);
    faultOnCommandCall({ kind: 'status', statusCode: 500 });
    const second = await command(reservationId, 'charge', charge500);
    expect([first.status, second.status]).toEqual([502, 502]);

    const { body } = await read(reservationId, true);

    expect(body.commands.map((each) => each.state)).toEqual(['OUTCOME_UNKNOWN', 'OUTCOME_UNKNOWN']);
    for (const each of body.commands) {
      expect(each.failure).toMatchObject({ reason: 'ambiguous-match' });
      expect(each.reference).toBeUndefined();
    }
    expect(output.logs()).toContainEqual(
      expect.objectContaining({ level: 'WARN', message: 'command outcome ambiguous' }),
    );
    // The local console shows both, with why, as watched by the reconciler.
    const shown = (await (await fetch(`${local.stack.urls.api}/_local/reservations`)).json()) as {
      reservations: { reservationId: string; stuckCommands: Record<string, unknown>[] }[];
    };
    expect(
      shown.reservations.find((each) => each.reservationId === reservationId)?.stuckCommands,
    ).toEqual([
      expect.objectContaining({
        state: 'OUTCOME_UNKNOWN',
        reason: 'ambiguous-match',
        watched: true,
      }),
      expect.objectContaining({
        state: 'OUTCOME_UNKNOWN',
        reason: 'ambiguous-match',
        watched: true,
      }),
    ]);
  });

  it('settles an unknown charge with a portal charge of the same amount only when the match is unique', async () => {
    const { reservationId, reservationUuid } = await paidReservation();
    faultOnCommandCall({ kind: 'status', statusCode: 500 });
    await command(reservationId, 'charge', charge500);
    // Two charges of the same amount made in Front Payment's portal, outside our API.
    await local.sandbox.charge(reservationUuid, 500);
    await local.sandbox.charge(reservationUuid, 500);

    const { body } = await read(reservationId, true);

    expect(body.history.filter((entry) => entry.status === 'CHARGED')).toHaveLength(2);
    expect(body.commands).toEqual([
      expect.objectContaining({ state: 'OUTCOME_UNKNOWN', failure: expect.anything() }),
    ]);
    expect(body.commands[0]?.reference).toBeUndefined();
  });
});

describe('a command interrupted after Front Payment acted', () => {
  it('answers that the outcome is unknown, alarms, and is settled from the details', async () => {
    const { reservationId, reservationUuid } = await paidReservation();
    const key = randomUUID();
    // The ACCEPTED write fails, and so does the attempt to record the outcome as unknown.
    faults.inject(['COMMAND#', 'ACCEPTED'], { kind: 'fail' });
    faults.inject(['COMMAND#', 'OUTCOME_UNKNOWN'], { kind: 'fail' });

    const interrupted = await command(reservationId, 'capture', { amount: 40 }, key);

    expect(callsTo('capture', reservationUuid)).toHaveLength(1);
    expect(interrupted.status).toBeGreaterThanOrEqual(500);
    expect(interrupted.body).toMatchObject({ retryable: false, reservationId });
    expect(output.logs()).toContainEqual(
      expect.objectContaining({ level: 'WARN', message: 'command outcome unknown' }),
    );
    expect((await read(reservationId)).body.commands).toEqual([
      expect.objectContaining({ state: 'SENDING', amount: 40 }),
    ]);
    // Its Lambda's deadline passed: a retry says the outcome is unknown, alarms, does not resend.
    await commandsAged(reservationId, HOUR);
    const retry = await command(reservationId, 'capture', { amount: 40 }, key);
    expect(retry).toMatchObject({ status: 409, body: { retryable: false } });
    expect(retry.body.detail).toMatch(/may have reached Front Payment/);
    expect(output.logs()).toContainEqual(
      expect.objectContaining({ message: 'command outcome unknown', reason: 'interrupted' }),
    );
    expect((await read(reservationId)).body.commands).toEqual([
      expect.objectContaining({ state: 'OUTCOME_UNKNOWN', amount: 40 }),
    ]);
    const settled = (await read(reservationId, true)).body;
    expect(settled.commands).toEqual([
      expect.objectContaining({
        state: 'ACCEPTED',
        amount: 40,
        reference: settled.history.find((entry) => entry.status === 'CAPTURED')?.reference,
      }),
    ]);
    expect(callsTo('capture', reservationUuid)).toHaveLength(1);
  });
});

describe('an alarm whose write the SDK resends after losing its answer', () => {
  it('a retry that marks an interrupted command unknown still alarms', async () => {
    const { reservationId, reservationUuid } = await paidReservation();
    const key = randomUUID();
    faults.inject(['COMMAND#', 'ACCEPTED'], { kind: 'fail' });
    faults.inject(['COMMAND#', 'OUTCOME_UNKNOWN'], { kind: 'fail' });
    await command(reservationId, 'capture', { amount: 30 }, key);
    await commandsAged(reservationId, HOUR);
    const resent = faults.inject(['COMMAND#', 'SET #state = :unknown'], {
      kind: 'answer-lost-sdk-retries',
    });

    const retry = await command(reservationId, 'capture', { amount: 30 }, key);
    await resent;

    expect(retry).toMatchObject({ status: 409, body: { retryable: false } });
    expect(output.logs()).toContainEqual(
      expect.objectContaining({ message: 'command outcome unknown', reason: 'interrupted' }),
    );
    expect((await read(reservationId)).body.commands).toEqual([
      expect.objectContaining({ state: 'OUTCOME_UNKNOWN', amount: 30 }),
    ]);
    expect(callsTo('capture', reservationUuid)).toHaveLength(1);
  });

  it('a refresh that stops watching an unverifiable resend still alarms', async () => {
    // Not paid yet: its payment link may be sent again.
    const { reservationId } = await local.client.createReservation(
      sampleReservationRequest({
        returnBaseUrl: local.stack.urls.api,
        referenceNo: `OUT-${suffix}`,
      }),
      randomUUID(),
    );
    faultOnCommandCall({ kind: 'status', statusCode: 500 });
    const unknown = await command(reservationId, 'resend', { email: 'guest@example.test' });
    expect(unknown).toMatchObject({ status: 502, body: { retryable: false } });
    await commandsAged(reservationId, HOUR);
    const resent = faults.inject(['COMMAND#', 'SET failure = :failure, updatedAt = :at REMOVE'], {
      kind: 'answer-lost-sdk-retries',
    });

    const { body } = await read(reservationId, true);
    await resent;

    expect(body.commands).toEqual([
      expect.objectContaining({
        state: 'OUTCOME_UNKNOWN',
        failure: expect.objectContaining({ reason: 'unverifiable' }),
      }),
    ]);
    expect(output.logs()).toContainEqual(
      expect.objectContaining({ message: 'command outcome unresolved', reason: 'unverifiable' }),
    );
  });
});

describe('a command that never reached Front Payment', () => {
  it('becomes REFUSED once its Lambda is gone, and the same key then sends it once', async () => {
    const { reservationId, reservationUuid } = await paidReservation();
    const key = randomUUID();
    // The first write (the command record) is applied but its answer is lost.
    faults.inject(['COMMAND#', 'SENDING'], { kind: 'answer-lost' });

    const lost = await command(reservationId, 'capture', { amount: 25 }, key);
    expect(lost.status).toBe(500);
    await commandsAged(reservationId, HOUR);
    expect((await read(reservationId, true)).body.commands).toEqual([
      expect.objectContaining({ state: 'REFUSED', failure: expect.anything() }),
    ]);
    const retried = await command(reservationId, 'capture', { amount: 25 }, key);

    expect(retried).toMatchObject({ status: 202, replayed: false, body: { state: 'ACCEPTED' } });
    expect(callsTo('capture', reservationUuid)).toHaveLength(1);
  });

  it('is restarted by a retry with the same key even before any refresh', async () => {
    const { reservationId, reservationUuid } = await paidReservation();
    const key = randomUUID();
    faults.inject(['COMMAND#', 'SENDING'], { kind: 'answer-lost' });
    expect((await command(reservationId, 'capture', { amount: 15 }, key)).status).toBe(500);
    await commandsAged(reservationId, HOUR);

    const retried = await command(reservationId, 'capture', { amount: 15 }, key);

    expect(retried).toMatchObject({ status: 202, body: { state: 'ACCEPTED', amount: 15 } });
    expect(callsTo('capture', reservationUuid)).toHaveLength(1);
  });

  it('is taken over by a retry whose own write the SDK resends: sent once, not answered 409', async () => {
    const { reservationId, reservationUuid } = await paidReservation();
    const key = randomUUID();
    faults.inject(['COMMAND#', 'SENDING'], { kind: 'answer-lost' });
    expect((await command(reservationId, 'capture', { amount: 12 }, key)).status).toBe(500);
    await commandsAged(reservationId, HOUR);
    // The take-over is applied, its answer lost below the SDK's retries: the SDK sends it again.
    const resent = faults.inject(['COMMAND#', 'SENDING', 'attribute_not_exists(pk)'], {
      kind: 'answer-lost-sdk-retries',
    });

    const retried = await command(reservationId, 'capture', { amount: 12 }, key);
    await resent;

    expect(retried).toMatchObject({ status: 202, body: { state: 'ACCEPTED', amount: 12 } });
    expect(callsTo('capture', reservationUuid)).toHaveLength(1);
  });
});

/** A promise and the function that resolves it: the test decides when a paused write goes on. */
function gate(): { readonly opened: Promise<void>; readonly open: () => void } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

// An attempt that outlives its deadline (a slow Lambda, or clocks that disagree) meets a refresh
// or a retry that takes it for gone. Whatever the interleaving: Front Payment acts at most once
// per key, and a command it carried out never ends REFUSED.
describe('an attempt still running after its deadline', () => {
  it('a refresh that read it as never sent does not refuse it once it has sent', async () => {
    const { reservationId, reservationUuid } = await paidReservation();
    const key = randomUUID();
    const marking = gate();
    const settling = gate();
    const finishing = gate();
    const markPaused = faults.inject(['SET sentAt'], { kind: 'pause', until: marking.opened });
    const settlePaused = faults.inject(['not-sent'], { kind: 'pause', until: settling.opened });
    const finishPaused = faults.inject(['CLAIM#', 'ACCEPTED'], {
      kind: 'pause',
      until: finishing.opened,
    });

    const answer = command(reservationId, 'capture', { amount: 25 }, key);
    await markPaused;
    await commandsAged(reservationId, HOUR);
    const refresh = read(reservationId, true);
    await settlePaused; // the refresh listed it SENDING, unsent, past its deadline
    marking.open();
    await finishPaused; // the attempt marked it sent and Front Payment captured
    settling.open();
    await refresh;
    finishing.open();

    expect(await answer).toMatchObject({ status: 202, body: { state: 'ACCEPTED', amount: 25 } });
    const retried = await command(reservationId, 'capture', { amount: 25 }, key);
    expect(retried).toMatchObject({ status: 202, replayed: true, body: { state: 'ACCEPTED' } });
    expect(callsTo('capture', reservationUuid)).toHaveLength(1);
  });

  it('a late attempt that failed does not refuse the retry that took over and sent', async () => {
    const { reservationId, reservationUuid } = await paidReservation();
    const key = randomUUID();
    const lateRefusal = gate();
    const retryFinish = gate();
    // The first attempt's details read fails; its REFUSED write waits.
    local.sandbox.injectFault({ kind: 'status', statusCode: 503 });
    const refusalPaused = faults.inject(['COMMAND#', 'REFUSED', 'details-'], {
      kind: 'pause',
      until: lateRefusal.opened,
    });
    const late = command(reservationId, 'capture', { amount: 30 }, key);
    await refusalPaused;
    await commandsAged(reservationId, HOUR);

    // The retry takes the record over, sends, and Front Payment captures; its write waits.
    const finishPaused = faults.inject(['CLAIM#', 'ACCEPTED'], {
      kind: 'pause',
      until: retryFinish.opened,
    });
    const retry = command(reservationId, 'capture', { amount: 30 }, key);
    await finishPaused;
    lateRefusal.open();
    const lateAnswer = await late;
    retryFinish.open();
    const retryAnswer = await retry;

    // The late attempt answers what a duplicate in flight gets: the retry's outcome is to come.
    expect(lateAnswer.status).toBe(409);
    expect(retryAnswer).toMatchObject({ status: 202, body: { state: 'ACCEPTED', amount: 30 } });
    const again = await command(reservationId, 'capture', { amount: 30 }, key);
    expect(again).toMatchObject({ status: 202, replayed: true, body: { state: 'ACCEPTED' } });
    expect(callsTo('capture', reservationUuid)).toHaveLength(1);
  });
});

describe('unknown outcomes end, both ways', () => {
  it('settles a capture Front Payment never made as not done after the grace period; the same key sends it again', async () => {
    const { reservationId, reservationUuid } = await paidReservation();
    const key = randomUUID();
    faultOnCommandCall({ kind: 'status', statusCode: 500 });
    expect((await command(reservationId, 'capture', { amount: 60 }, key)).status).toBe(502);

    // Within the grace period: still unknown, and the history is not read for it.
    const historyBefore = historyCalls();
    expect((await read(reservationId, true)).body.commands).toEqual([
      expect.objectContaining({ state: 'OUTCOME_UNKNOWN' }),
    ]);
    expect(historyCalls()).toBe(historyBefore);
    await commandsAged(reservationId, HOUR);
    const detailsBefore = callsTo('details', reservationUuid).length;
    const settled = (await read(reservationId, true)).body.commands;
    // One pass: one details read and one history read settle it.
    expect(callsTo('details', reservationUuid).length - detailsBefore).toBe(1);
    expect(historyCalls()).toBe(historyBefore + 1);
    const retried = await command(reservationId, 'capture', { amount: 60 }, key);

    expect(settled).toEqual([
      expect.objectContaining({
        state: 'REFUSED',
        failure: expect.objectContaining({ reason: 'not-found-after-grace' }),
      }),
    ]);
    expect(retried).toMatchObject({ status: 202, replayed: false, body: { state: 'ACCEPTED' } });
    expect(callsTo('capture', reservationUuid)).toHaveLength(2);
  });

  it('settles a refund of unknown outcome from the refund entries of Front Payment’s history', async () => {
    const { reservationId } = await paidReservation();
    await command(reservationId, 'capture', { amount: 800 });
    faultOnCommandCall({ kind: 'status', statusCode: 500, afterCommit: true });
    expect((await command(reservationId, 'refund', { amount: 120.4 })).status).toBe(502);

    const { body } = await read(reservationId, true);

    expect(body.commands.find((each) => each.command === 'refund')).toMatchObject({
      state: 'ACCEPTED',
      amount: 120.4,
    });
  });

  it('settles a refund Front Payment never made as not done after the grace period', async () => {
    const { reservationId } = await paidReservation();
    await command(reservationId, 'capture', { amount: 800 });
    await command(reservationId, 'refund', { amount: 50 });
    // Something is refunded: the details read before the command also reads the history.
    faultOnCommandCall({ kind: 'status', statusCode: 500 }, 2);
    expect((await command(reservationId, 'refund', { amount: 50 })).status).toBe(502);

    expect(
      (await read(reservationId, true)).body.commands.filter((each) => each.command === 'refund'),
    ).toEqual([
      expect.objectContaining({ state: 'ACCEPTED' }),
      expect.objectContaining({ state: 'OUTCOME_UNKNOWN' }),
    ]);
    await commandsAged(reservationId, HOUR);
    const refunds = (await read(reservationId, true)).body.commands.filter(
      (each) => each.command === 'refund',
    );

    expect(refunds.map((each) => each.state)).toEqual(['ACCEPTED', 'REFUSED']);
  });

  it('lets the reconciler settle an unknown capture after the reservation closed', async () => {
    const { reservationId } = await paidReservation();
    faultOnCommandCall({ kind: 'status', statusCode: 500 });
    expect((await command(reservationId, 'capture', { amount: 30 })).status).toBe(502);
    await command(reservationId, 'capture', { amount: 100 });
    expect((await command(reservationId, 'complete', { note: 'stay ended' })).status).toBe(202);
    await read(reservationId, true);
    await commandsAged(reservationId, HOUR);

    await local.stack.reconcileNow();

    const capture = (await read(reservationId)).body.commands.find(
      (each) => each.command === 'capture' && each.amount === 30,
    );
    expect(capture).toMatchObject({ state: 'REFUSED' });
  });
});
