import { describe, expect, it } from 'vitest';
import { MAX_DETAILS_READS_PER_RUN } from '../../functions/reconcile/find-session.ts';
import { readReservation, useCallbackStack } from '../support/callback-fixtures.ts';
import { openInIndex, reconcilerOn, runReconciler } from '../support/reconciler.ts';
import {
  createForeignSessions,
  createOrphanSession,
  createOurSessions,
  frontPaymentCallsSince,
  seedUnknownOutcome,
} from '../support/session-search.ts';

// Its own sandbox: every session in the attempts' windows is one these tests made.
const stack = useCallbackStack({ handler: false });

/** Every session made outside our API so far: each search for a new reservation reads them. */
const foreign: string[] = [];

/** Runs the reconciler (due again at once between runs) until the reservation left `unknown`. */
async function reconcileUntilSettled(
  reservationId: string,
  dependencies: ReturnType<typeof reconcilerOn>,
  callBudget: number,
  maxRuns: number,
) {
  const statuses: string[] = [];
  for (let run = 0; run < maxRuns; run += 1) {
    await runReconciler(dependencies, { callBudget });
    const { status } = await readReservation(stack.tables, reservationId);
    statuses.push(status);
    if (status !== 'SESSION_OUTCOME_UNKNOWN') break;
    await openInIndex(stack, reservationId);
  }
  return statuses;
}

describe('the search for the session of an unknown create', () => {
  it('finds it after more than 20 other sessions in its window, over several runs, never settling "not found" first', async () => {
    const reservationId = await seedUnknownOutcome(stack);
    foreign.push(...(await createForeignSessions(stack, 45)));
    const ours = await createOrphanSession(stack, reservationId);
    const callsBefore = stack.sandbox.calls.length;
    // Past the grace period at once: a search that gave up early would settle SESSION_FAILED.
    const dependencies = reconcilerOn(stack, { settings: { graceMs: 1 } });

    const statuses = await reconcileUntilSettled(reservationId, dependencies, 25, 5);

    expect(statuses).toEqual(['SESSION_OUTCOME_UNKNOWN', 'SESSION_CREATED']);
    expect(await readReservation(stack.tables, reservationId)).toMatchObject({
      status: 'SESSION_CREATED',
      frontPaymentUuid: ours,
    });
    expect(await readReservation(stack.tables, reservationId)).not.toHaveProperty(
      'searchedSessionUuids',
    );
    // The cursor: the second run read only what the first had not; no uuid was read twice.
    const calls = frontPaymentCallsSince(stack, callsBefore);
    expect(calls.history).toBe(2);
    expect(calls.details.slice(0, -1).sort()).toEqual([...foreign].sort());
    expect(calls.details.at(-1)).toBe(ours);
    expect(
      stack.sandbox.reservations().filter((r) => r.customerReference === reservationId),
    ).toHaveLength(1);
  });

  it('settles "not found" only once every candidate of the window was read', async () => {
    const reservationId = await seedUnknownOutcome(stack);
    foreign.push(...(await createForeignSessions(stack, 12)));
    const callsBefore = stack.sandbox.calls.length;
    const dependencies = reconcilerOn(stack, { settings: { graceMs: 1 } });
    const candidates = foreign.length + 1; // and the first test's session, someone else's now

    const statuses = await reconcileUntilSettled(reservationId, dependencies, 21, 10);

    const runs = Math.ceil(foreign.length / 20);
    expect(statuses).toEqual([
      ...Array.from({ length: runs - 1 }, () => 'SESSION_OUTCOME_UNKNOWN'),
      'SESSION_FAILED',
    ]);
    expect(await readReservation(stack.tables, reservationId)).toMatchObject({
      failure: {
        reason: 'not-found',
        retryable: true,
        message: expect.stringContaining(`${candidates} candidates`),
      },
    });
    const calls = frontPaymentCallsSince(stack, callsBefore);
    // The first test's session is on our table now: skipped without a details read.
    expect(calls.details.sort()).toEqual([...foreign].sort());
    expect(calls.history).toBe(runs);
  });

  it('skips the sessions our other reservations hold: a busy window costs only the unknown uuids', async () => {
    const reservationId = await seedUnknownOutcome(stack);
    const known = await createOurSessions(stack, 60);
    foreign.push(...(await createForeignSessions(stack, 5)));
    const ours = await createOrphanSession(stack, reservationId);
    const callsBefore = stack.sandbox.calls.length;

    const statuses = await reconcileUntilSettled(reservationId, reconcilerOn(stack), 200, 5);

    // 50 details reads per reservation and run: the unknown uuids of the file take two runs.
    const unknownUuids = foreign.length + 1;
    const runs = Math.ceil(unknownUuids / MAX_DETAILS_READS_PER_RUN);
    expect(statuses).toHaveLength(runs);
    expect(statuses.at(-1)).toBe('SESSION_CREATED');
    const calls = frontPaymentCallsSince(stack, callsBefore);
    expect(calls.details.filter((uuid) => known.includes(uuid))).toEqual([]);
    expect(calls.details.sort()).toEqual([...foreign, ours].sort());
    expect(calls.history).toBe(runs);
  });

  it('reads sessions that enter the window after a run, and not again those it read', async () => {
    const reservationId = await seedUnknownOutcome(stack);
    const callsBefore = stack.sandbox.calls.length;
    // Two runs read the window as it is (50 details reads per run), then find nothing.
    await reconcileUntilSettled(reservationId, reconcilerOn(stack), 200, 2);
    const firstRun = frontPaymentCallsSince(stack, callsBefore);
    expect((await readReservation(stack.tables, reservationId)).status).toBe(
      'SESSION_OUTCOME_UNKNOWN',
    );
    const late = await createForeignSessions(stack, 3);
    foreign.push(...late);
    const ours = await createOrphanSession(stack, reservationId);
    await openInIndex(stack, reservationId);
    const secondFrom = stack.sandbox.calls.length;

    await runReconciler(reconcilerOn(stack), { callBudget: 100 });

    expect(await readReservation(stack.tables, reservationId)).toMatchObject({
      status: 'SESSION_CREATED',
      frontPaymentUuid: ours,
    });
    expect(firstRun.details.sort()).toEqual(foreign.filter((uuid) => !late.includes(uuid)).sort());
    // A new container (no memory of the first run): the cursor on the record is what skips.
    expect(frontPaymentCallsSince(stack, secondFrom).details.sort()).toEqual(
      [...late, ours].sort(),
    );
  });
});
