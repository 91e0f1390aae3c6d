import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import {
  type RunningFrontPaymentSandbox,
  startFrontPaymentSandbox,
} from '../../infra/local/front-payment-sandbox/index.ts';
import { type RunningLocalStack, startLocalStack } from '../../infra/local/local-stack.ts';
import { createLocalStackClient } from '../../infra/local/local-stack-client.ts';
import { sampleReservationRequest } from '../../infra/local/sample-reservation.ts';
import { type RunningFaultProxy, startFaultProxy } from '../support/fault-proxy.ts';
import {
  type RaceParts,
  type RacingReservation,
  runRacePlan,
} from '../support/money-race-driver.ts';
import { moneyRaceViolations } from '../support/money-race-invariants.ts';
import { observeRace } from '../support/money-race-observations.ts';
import { racePlans } from '../support/money-race-plan.ts';
import { setByHook } from '../support/set-by-hook.ts';

/**
 * The money race (issue 15): callbacks (immediate, twice, late, dropped), capture, charge and
 * refund commands from two tasks with their own Idempotency-Keys (same and different amounts,
 * retries, concurrent duplicates), reconciler and sweeper runs, all at once on the same
 * reservations, with faults on the wire to Front Payment and to DynamoDB. Once everything has
 * settled, Front Payment's records are compared with the bus and our commands.
 *
 * MONEY_RACE_SEED replays a failure (the seed is in every failure message); MONEY_RACE_RUNS runs
 * more plans (run i's plan is the same for any number of runs); MONEY_RACE_RESERVATIONS races
 * more reservations at once; MONEY_RACE_DEBUG=1 prints what each run observed.
 */
const SEED = envInteger('MONEY_RACE_SEED', 15_2026);
const RUNS = envInteger('MONEY_RACE_RUNS', 1);
const RESERVATIONS = envInteger('MONEY_RACE_RESERVATIONS', 5);

/** Past every grace period (unknown outcomes, sweeper age, callback backoff) of the final pass. */
const SETTLED_AFTER_MS = 6 * 60 * 60 * 1000;
const TOKEN = 'money-race-token';
const SECRET = 'money-race-secret';

let sandbox: RunningFrontPaymentSandbox | undefined;
let frontPaymentWire: RunningFaultProxy | undefined;
let dynamoDbWire: RunningFaultProxy | undefined;
let stack: RunningLocalStack | undefined;

beforeAll(async () => {
  sandbox = await startFrontPaymentSandbox({ token: TOKEN, callbackSecret: SECRET });
  [frontPaymentWire, dynamoDbWire] = await Promise.all([
    startFaultProxy(sandbox.url),
    startFaultProxy(inject('dynamoDbEndpoint')),
  ]);
  stack = await startLocalStack({
    port: 0,
    eventBridgePort: 0,
    frontPaymentBaseUrl: frontPaymentWire.url,
    frontPaymentToken: TOKEN,
    callbackSecret: SECRET,
    dynamoDbEndpoint: dynamoDbWire.url,
    tableNames: { reservations: `reservations-${randomUUID().slice(0, 8)}` },
    // The race decides when the sweeper and the reconciler run.
    publishPendingIntervalMs: 0,
    reconcileIntervalMs: 0,
    logLevel: process.env.TEST_LOG_LEVEL ?? 'SILENT',
    // A reservation the reconciler checked is due again a second later, so its runs meet the race.
    functionEnvironment: { RECONCILE_RECHECK_SECONDS: '1', RECONCILE_CALL_BUDGET: '1000' },
  });
});

afterAll(async () => {
  await stack?.stop();
  await Promise.all([frontPaymentWire?.stop(), dynamoDbWire?.stop()]);
  await sandbox?.stop();
});

function raceParts(): RaceParts {
  const running = setByHook(stack, 'stack');
  return {
    apiUrl: running.urls.api,
    sandbox: setByHook(sandbox, 'sandbox'),
    bridge: running.eventBridge,
    frontPaymentWire: setByHook(frontPaymentWire, 'frontPaymentWire'),
    dynamoDbWire: setByHook(dynamoDbWire, 'dynamoDbWire'),
    documents: running.documents,
    tableName: running.tableNames.reservations,
    reconcile: () => running.reconcileNow(),
    sweep: () => running.publishPendingNow(),
  };
}

/**
 * The race's reservations, one after another through our API. Setup, not the race: a create that
 * does not answer 201 (DynamoDB Local is slow to warm up) is left to the reconciler and replaced.
 */
async function createReservations(parts: RaceParts, tag: string): Promise<RacingReservation[]> {
  const client = createLocalStackClient({ apiUrl: parts.apiUrl, frontPaymentToken: TOKEN });
  const reservations: RacingReservation[] = [];
  for (let index = 0; index < RESERVATIONS; index += 1) {
    const request = sampleReservationRequest({
      returnBaseUrl: parts.apiUrl,
      referenceNo: `${tag}-${index}`,
    });
    const created = await client
      .createReservation(request, `${tag}-create-${index}`)
      .catch(() => client.createReservation(request, `${tag}-create-${index}-again`));
    reservations.push({
      reservationId: created.reservationId,
      reservationUuid: created.reservationUuid,
    });
  }
  return reservations;
}

/**
 * The final pass, as hours later: every grace period has passed, so whatever the race left in
 * flight must now be settled. The clock is moved for `Date` only (timers stay real); Front
 * Payment's sandbox shares it, so its records keep their order.
 */
async function settleEverything(parts: RaceParts): Promise<void> {
  await parts.sandbox.settled();
  vi.useFakeTimers({
    toFake: ['Date'],
    shouldAdvanceTime: true,
    now: Date.now() + SETTLED_AFTER_MS,
  });
  try {
    for (let pass = 0; pass < 2; pass += 1) {
      await parts.reconcile();
      await parts.sweep();
    }
  } finally {
    vi.useRealTimers();
  }
}

describe('the money race', () => {
  it(`each Front Payment movement is exactly one event and settles at most one command (seed ${SEED}, ${RUNS} run(s) of ${RESERVATIONS} reservations)`, async () => {
    const parts = raceParts();
    const failures: string[] = [];
    for (const [run, plan] of racePlans(SEED, RUNS).entries()) {
      const tag = `race-${SEED}-${run}`;
      const since = new Date();
      const wireMarks = [parts.frontPaymentWire, parts.dynamoDbWire].map((w) => w.exchanges.length);
      const reservations = await createReservations(parts, tag);
      const log = await runRacePlan(plan, reservations, parts, tag);
      await settleEverything(parts);

      const observed = await observeRace(reservations, log.requests, parts, TOKEN, since);
      const violations = moneyRaceViolations(observed);
      if (process.env.MONEY_RACE_DEBUG) console.log(JSON.stringify({ log, observed }, null, 1));
      if (violations.length === 0) continue;
      failures.push(
        `run ${run}: ${violations.length} violation(s)`,
        ...violations.map((violation) => `  ${violation}`),
        `  answers: ${JSON.stringify(log.answers)}`,
        `  faults that applied: ${JSON.stringify(appliedFaults(parts, wireMarks))}`,
        `  action errors: ${JSON.stringify(log.errors)}`,
      );
    }
    expect(
      failures,
      `money race failed; replay with MONEY_RACE_SEED=${SEED} MONEY_RACE_RUNS=${RUNS} MONEY_RACE_RESERVATIONS=${RESERVATIONS}`,
    ).toEqual([]);
  }, 600_000);
});

/** How often each armed fault applied since the wires' logs were `marks` long. */
function appliedFaults(parts: RaceParts, marks: readonly number[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [index, wire] of [parts.frontPaymentWire, parts.dynamoDbWire].entries()) {
    for (const exchange of wire.exchanges.slice(marks[index])) {
      if (exchange.fault === undefined) continue;
      const name = `${exchange.fault} ${exchange.headers['x-amz-target'] ?? exchange.path}`;
      counts[name] = (counts[name] ?? 0) + 1;
    }
  }
  return counts;
}

function envInteger(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 0) {
    throw new Error(`${name} must be a whole number, not ${JSON.stringify(value)}`);
  }
  return parsed;
}
