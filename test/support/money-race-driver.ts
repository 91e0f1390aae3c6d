import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RunningLocalEventBridge } from '../../infra/local/event-bridge-stand-in.ts';
import type { RunningFrontPaymentSandbox } from '../../infra/local/front-payment-sandbox/index.ts';
import type { ArmedFault, RunningFaultProxy } from './fault-proxy.ts';
import {
  HOT_SHARE,
  type MoneyCommand,
  RACE_AMOUNTS,
  type RaceAction,
  type RaceFault,
  type RacePlan,
  type RaceWave,
} from './money-race-plan.ts';

/** A reservation of the race: ours and Front Payment's id. */
export interface RacingReservation {
  readonly reservationId: string;
  readonly reservationUuid: string;
}

/** The parts a race runs on; everything is reached the way production reaches it. */
export interface RaceParts {
  /** Our API (the reservation-commands and callback functions behind the local API Gateway). */
  readonly apiUrl: string;
  readonly sandbox: RunningFrontPaymentSandbox;
  readonly bridge: RunningLocalEventBridge;
  /** Between the functions and Front Payment's sandbox. */
  readonly frontPaymentWire: RunningFaultProxy;
  /** Between the functions and DynamoDB Local. */
  readonly dynamoDbWire: RunningFaultProxy;
  /** Our table, read directly only to tell which request each command records. */
  readonly documents: DynamoDBDocumentClient;
  readonly tableName: string;
  /** One run of the reconciler's Lambda. */
  readonly reconcile: () => Promise<unknown>;
  /** One run of the publish-pending sweeper's Lambda. */
  readonly sweep: () => Promise<unknown>;
}

/** One command request as sent (a retry sends the same one again). */
export interface CommandRequest {
  readonly reservation: RacingReservation;
  readonly command: MoneyCommand;
  readonly key: string;
  readonly body: Record<string, unknown>;
}

/** What happened to each action, kept for the failure message. */
export interface RaceLog {
  /** Every command request of the run, retries not repeated. */
  readonly requests: CommandRequest[];
  readonly answers: Record<string, number>;
  readonly errors: string[];
}

const CAPTURE_NOTE = 'race request ';
const CHARGE_LINE = 'Minibar ';

/**
 * Runs a plan's waves one after another on `reservations`; within a wave every action starts at
 * once (after its own small delay), so commands, callbacks, reconciler and sweeper runs meet on the
 * same reservations. `tag` makes the run's Idempotency-Keys unique and names its requests.
 */
export async function runRacePlan(
  plan: RacePlan,
  reservations: readonly RacingReservation[],
  parts: RaceParts,
  tag: string,
): Promise<RaceLog> {
  const log: RaceLog = { requests: [], answers: {}, errors: [] };
  const requests = log.requests;
  for (const [index, wave] of plan.waves.entries()) {
    parts.sandbox.setQuirks({
      dropCallbacks: wave.delivery === 'held',
      duplicateCallbacks: wave.delivery === 'twice',
    });
    if (index === 0) {
      await Promise.all(
        reservations.map((each) => parts.sandbox.pay(each.reservationUuid, 'visa')),
      );
    }
    // Compiled before the wave starts, in plan order, so a retry's request is fixed by the seed.
    const waveRequests: CommandRequest[] = [];
    const context = {
      wave,
      reservations,
      requests,
      waveRequests,
      parts,
      tag: `${tag}-w${index}`,
      log,
    };
    const work = wave.actions.flatMap((action) => compile(action, context));
    for (const fault of wave.faults) {
      const target = waveRequests[fault.target % Math.max(waveRequests.length, 1)];
      armFault(fault, target, reservations, parts);
    }
    parts.bridge.failNextEntries(wave.failedEventEntries);
    await Promise.all(work.map((run) => run()));
    await parts.sandbox.settled();
    parts.frontPaymentWire.disarm();
    parts.dynamoDbWire.disarm();
    parts.bridge.failNextEntries(0);
  }
  parts.sandbox.setQuirks({ dropCallbacks: false, duplicateCallbacks: false });
  return log;
}

/** What compiling one wave's actions reads and adds to. */
interface WaveContext {
  readonly wave: RaceWave;
  readonly reservations: readonly RacingReservation[];
  /** The run's requests so far; new ones are added. */
  readonly requests: CommandRequest[];
  /** The wave's requests (new ones and retries), which its faults aim at. */
  readonly waveRequests: CommandRequest[];
  readonly parts: RaceParts;
  /** Names the wave's requests. */
  readonly tag: string;
  readonly log: RaceLog;
}

/** The action as work to start with the rest of its wave (two for a command both tasks send). */
function compile(action: RaceAction, context: WaveContext): (() => Promise<void>)[] {
  const { wave, reservations, requests, waveRequests, parts, tag, log } = context;
  const at = (index: number) =>
    reservations[(index < HOT_SHARE ? wave.hot : index) % reservations.length] as RacingReservation;
  const run = (name: string, work: () => Promise<unknown>) => async () => {
    await sleep(action.delayMs);
    try {
      await work();
    } catch (error) {
      log.errors.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  switch (action.kind) {
    case 'command': {
      const callers = action.both ? (['A', 'B'] as const) : [action.caller];
      return callers.map((caller) => {
        const name = `${tag}-${requests.length}-${caller}`;
        const request = commandRequest(action, at(action.reservation), name);
        requests.push(request);
        waveRequests.push(request);
        return run('command', () => send(parts.apiUrl, request, log));
      });
    }
    case 'retry': {
      const earlier = requests[action.of % Math.max(requests.length, 1)];
      if (earlier) waveRequests.push(earlier);
      return [run('retry', async () => earlier && send(parts.apiUrl, earlier, log))];
    }
    case 'deliver-held':
      return [
        run('deliver-held', () =>
          parts.sandbox.flushCallbacks(at(action.reservation).reservationUuid),
        ),
      ];
    case 'redeliver': {
      const { reservationUuid } = at(action.reservation);
      return [
        run('redeliver', async () => {
          const sent = parts.sandbox.callbacks.filter(
            (each) => each.reservationUuid === reservationUuid,
          );
          const callback = sent[action.which % Math.max(sent.length, 1)];
          if (callback) await (await fetch(callback.url)).arrayBuffer();
        }),
      ];
    }
    case 'reconcile':
      return [run('reconcile', parts.reconcile)];
    case 'sweep':
      return [run('sweep', parts.sweep)];
    case 'portal': {
      const { reservationUuid } = at(action.reservation);
      const amount = RACE_AMOUNTS[action.movement][action.amount];
      // Refused by Front Payment (nothing left to capture or refund): nothing moved.
      const portal = {
        capture: () => parts.sandbox.capture(reservationUuid, amount),
        charge: () => parts.sandbox.charge(reservationUuid, amount),
        refund: () => parts.sandbox.refund(reservationUuid, { amount, source: 'captured' }),
      }[action.movement];
      return [run('portal', () => portal().catch(() => undefined))];
    }
  }
}

function commandRequest(
  action: Extract<RaceAction, { kind: 'command' }>,
  reservation: RacingReservation,
  key: string,
): CommandRequest {
  const amount = RACE_AMOUNTS[action.command][action.amount];
  switch (action.command) {
    case 'capture':
      return { reservation, command: 'capture', key, body: { amount, note: CAPTURE_NOTE + key } };
    case 'charge':
      return {
        reservation,
        command: 'charge',
        key,
        body: {
          products: [{ name: CHARGE_LINE + key, rate: amount, tax: 0, amount }],
          grandTotal: amount,
        },
      };
    case 'refund':
      return { reservation, command: 'refund', key, body: { amount, source: action.refundSource } };
  }
}

async function send(apiUrl: string, request: CommandRequest, log: RaceLog): Promise<void> {
  const response = await fetch(
    `${apiUrl}/reservations/${request.reservation.reservationId}/${request.command}`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': request.key },
      body: JSON.stringify(request.body),
    },
  );
  await response.arrayBuffer();
  const name = `${request.command} ${response.status}`;
  log.answers[name] = (log.answers[name] ?? 0) + 1;
}

/** The request a capture or charge POST to Front Payment came from (its note or line name). */
export function requestTagOf(body: unknown): string | undefined {
  const parsed = body as {
    additionalText?: unknown;
    products?: Record<string, { name?: unknown }> | { name?: unknown }[];
  };
  if (
    typeof parsed?.additionalText === 'string' &&
    parsed.additionalText.startsWith(CAPTURE_NOTE)
  ) {
    return parsed.additionalText.slice(CAPTURE_NOTE.length);
  }
  const lines = Object.values(parsed?.products ?? {});
  const name = lines[0]?.name;
  return typeof name === 'string' && name.startsWith(CHARGE_LINE)
    ? name.slice(CHARGE_LINE.length)
    : undefined;
}

const DYNAMODB_ERROR = {
  status: 500,
  contentType: 'application/x-amz-json-1.0',
  body: JSON.stringify({
    __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
    message: 'Internal server error (injected by the money race)',
  }),
};

const frontPaymentError = (status: number) => ({
  status,
  contentType: 'application/json',
  body: JSON.stringify({
    status_code: status,
    status_message: status === 503 ? 'Service Unavailable' : 'Internal Server Error',
    message: 'internalErrorOccurredPleaseTryAgainLater',
    is_error: true,
    errors: {},
  }),
});

/**
 * More than the SDK's tries of one DynamoDB call (4 seen here), so a refused write fails for
 * good; the fault is disarmed at the end of its wave anyway.
 */
const DYNAMODB_REFUSED_TRIES = 10;

function armFault(
  fault: RaceFault,
  target: CommandRequest | undefined,
  reservations: readonly RacingReservation[],
  parts: RaceParts,
): void {
  const reservation =
    target?.reservation ?? (reservations[fault.target % reservations.length] as RacingReservation);
  if (fault.kind === 'front-payment') {
    if (!target) return;
    const path = `/api/v1/connect/reservations/${target.command}/${reservation.reservationUuid}`;
    const armed: ArmedFault = {
      name: `${fault.action} ${target.command}`,
      matches: (request) => request.method === 'POST' && request.path === path,
      action:
        fault.action === 'refuse'
          ? { kind: 'refuse', ...frontPaymentError(503) }
          : fault.action === 'lose-answer'
            ? { kind: 'lose-answer', ...frontPaymentError(500) }
            : { kind: fault.action },
    };
    parts.frontPaymentWire.arm(armed);
    return;
  }
  const partition = `RESERVATION#${reservation.reservationId}`;
  const written = fault.write === 'command-outcome' ? ['COMMAND#', '"ACCEPTED"'] : ['CHANGE#'];
  parts.dynamoDbWire.arm({
    name: `${fault.action} ${fault.write}`,
    matches: (request) =>
      /\.(UpdateItem|TransactWriteItems|PutItem)$/.test(String(request.headers['x-amz-target'])) &&
      request.body.includes(partition) &&
      written.every((text) => request.body.includes(text)),
    action:
      fault.action === 'refuse'
        ? { kind: 'refuse', ...DYNAMODB_ERROR }
        : { kind: 'lose-answer', ...DYNAMODB_ERROR },
    times: fault.action === 'refuse' ? DYNAMODB_REFUSED_TRIES : 1,
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
