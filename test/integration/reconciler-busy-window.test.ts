import { describe, expect, it } from 'vitest';
import { readReservation, useCallbackStack } from '../support/callback-fixtures.ts';
import { openInIndex, reconcilerOn, runReconciler } from '../support/reconciler.ts';
import {
  createForeignSessions,
  createOrphanSession,
  createOurSessions,
  frontPaymentCallsSince,
  seedUnknownOutcome,
} from '../support/session-search.ts';

// Its own sandbox and tables: the window holds only the sessions made here.
const stack = useCallbackStack({ handler: false });

const OURS = 1_000;
const FOREIGN = 100;
const UNKNOWN = 5;

describe('unknown outcomes in a busy window', () => {
  it('cost Front Payment one history read per run and one details read per session not ours', async () => {
    // Five creates of unknown outcome, their sessions spread over a window of 1,105 sessions:
    // 1,000 of our other reservations, 100 made outside our API (the portal).
    const reservationIds: string[] = [];
    const orphans: string[] = [];
    const foreign: string[] = [];
    const known: string[] = [];
    for (let index = 0; index < UNKNOWN; index += 1) {
      const reservationId = await seedUnknownOutcome(stack);
      reservationIds.push(reservationId);
      known.push(...(await createOurSessions(stack, OURS / UNKNOWN)));
      foreign.push(...(await createForeignSessions(stack, FOREIGN / UNKNOWN)));
      orphans.push(await createOrphanSession(stack, reservationId));
    }
    const callsBefore = stack.sandbox.calls.length;
    // One warm container for every run, as in AWS between runs five minutes apart. A generous
    // timeout: a details read cut off on a busy machine would be read again, and counted twice.
    const dependencies = reconcilerOn(stack, { frontPaymentTimeoutMs: 10_000 });
    const failures: number[] = [];

    let runs = 0;
    let open = reservationIds;
    while (open.length > 0 && runs < 10) {
      const result = await runReconciler(dependencies, { callBudget: 120 });
      failures.push(result.failed);
      runs += 1;
      const statuses = await Promise.all(
        open.map(async (id) => [id, (await readReservation(stack.tables, id)).status] as const),
      );
      open = statuses
        .filter(([, status]) => status === 'SESSION_OUTCOME_UNKNOWN')
        .map(([id]) => id);
      await Promise.all(open.map((id) => openInIndex(stack, id)));
    }

    const calls = frontPaymentCallsSince(stack, callsBefore);
    const window = OURS + FOREIGN + UNKNOWN;
    console.info(
      `busy window of ${window} sessions (${OURS} ours, ${FOREIGN} foreign), ${UNKNOWN} unknown outcomes: ` +
        `${runs} runs of 120 calls, ${calls.history} history + ${calls.details.length} details calls ` +
        `= ${((calls.history + calls.details.length) / UNKNOWN).toFixed(1)} per unknown outcome ` +
        `(reading every session's details would be ${window} per unknown outcome)`,
    );
    for (const [index, reservationId] of reservationIds.entries()) {
      expect(await readReservation(stack.tables, reservationId)).toMatchObject({
        status: 'SESSION_CREATED',
        frontPaymentUuid: orphans[index],
      });
    }
    expect(failures.every((failed) => failed === 0)).toBe(true);
    // No session of ours is read; each foreign one once for all five searches; each orphan at
    // most twice (once by another reservation's search, once by its own).
    expect(calls.details.filter((uuid) => known.includes(uuid))).toEqual([]);
    const reads = new Map<string, number>();
    for (const uuid of calls.details) reads.set(uuid, (reads.get(uuid) ?? 0) + 1);
    expect(foreign.map((uuid) => reads.get(uuid))).toEqual(foreign.map(() => 1));
    expect(orphans.every((uuid) => [1, 2].includes(reads.get(uuid) ?? 0))).toBe(true);
    expect(calls.details.length).toBeLessThanOrEqual(FOREIGN + 2 * UNKNOWN);
    expect(calls.history).toBeLessThanOrEqual(runs * UNKNOWN);
  }, 300_000);
});
