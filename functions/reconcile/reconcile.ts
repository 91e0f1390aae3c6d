import { allOpenShards } from '#shared/reservations/open-index';
import { RECONCILE_SUMMARY, UNRESOLVED_SECONDS_FIELD } from '#shared/reservations/reconcile-log';
import {
  type ReconcileDependencies,
  type ReservationOutcome,
  reconcileReservation,
} from './reconcile-reservation.ts';
import { RunBudget, type StopReason } from './run-budget.ts';

export interface ReconcileRunOptions {
  /** Front Payment calls this run may make. */
  readonly callBudget: number;
  /** Epoch ms after which no new work starts. */
  readonly deadline: number;
  /** Reservations read from the index per query. @default 100 */
  readonly pageSize?: number;
  readonly now?: () => Date;
  /**
   * The level of the summary of a run in which nothing happened. AWS keeps INFO: the summary of
   * every run feeds the metric filters. The local stack, which runs every 10 s, logs such runs at
   * DEBUG. @default 'info'
   */
  readonly idleSummaryLevel?: 'info' | 'debug';
}

export interface ReconcileRunResult {
  /** Reservations looked at (a Front Payment call or a reschedule). */
  readonly checked: number;
  /** Of those, reservations that changed (a status, a settled outcome, a warning sent). */
  readonly changed: number;
  /** Reservations whose check failed; each stays due. */
  readonly failed: number;
  /** Due reservations this run did not reach (budget); they stay due. */
  readonly notReached: number;
  readonly events: number;
  readonly warnings: number;
  readonly callsLeft: number;
  readonly msLeft: number;
  readonly stoppedBy: StopReason | null;
  /** Age of the oldest unknown outcome still unresolved after this run (0: none seen). */
  readonly oldestUnresolvedSeconds: number;
  /** How long the longest-waiting due reservation has waited after this run (0: none left). */
  readonly oldestOverdueSeconds: number;
}

/**
 * One run: every shard of the open-reservations index is walked at once (one worker per shard),
 * page by page, oldest due first, until done or out of budget. Whatever is not reached, or
 * fails, keeps its due time and is first in line next run.
 */
export async function reconcileOpenReservations(
  dependencies: ReconcileDependencies,
  options: ReconcileRunOptions,
): Promise<ReconcileRunResult> {
  const now = (options.now ?? (() => new Date()))();
  const budget = new RunBudget({ calls: options.callBudget, deadline: options.deadline });
  const pageSize = options.pageSize ?? 100;
  const tally = {
    checked: 0,
    changed: 0,
    failed: 0,
    notReached: 0,
    events: 0,
    warnings: 0,
    oldestUnresolvedMs: 0,
  };

  const count = (outcome: ReservationOutcome) => {
    switch (outcome.kind) {
      case 'checked':
        tally.checked += 1;
        if (outcome.changed) tally.changed += 1;
        tally.events += outcome.events;
        tally.warnings += outcome.warnings;
        if (outcome.unresolvedSince !== undefined) {
          tally.oldestUnresolvedMs = Math.max(
            tally.oldestUnresolvedMs,
            now.getTime() - outcome.unresolvedSince,
          );
        }
        return;
      case 'failed':
        tally.failed += 1;
        dependencies.log.warn('Reconciler could not check a reservation', {
          errorName: outcome.errorName,
        });
        return;
      case 'not-reached':
        tally.notReached += 1;
        return;
      case 'gone':
        return;
    }
  };

  const walkShard = async (shard: string) => {
    let start: Record<string, unknown> | undefined;
    do {
      if (budget.stopped) return;
      const page = await dependencies.reservations.duePage(shard, now, pageSize, start);
      for (const reservationId of page.reservationIds) {
        if (budget.stopped) return;
        try {
          count(await reconcileReservation(reservationId, dependencies, budget, now));
        } catch (error) {
          // DynamoDB failed: nothing was half done (every write is one request or transaction).
          count({
            kind: 'failed',
            errorName: error instanceof Error ? error.name : 'UnknownError',
          });
        }
      }
      start = page.next;
    } while (start);
  };
  await Promise.all(allOpenShards().map(walkShard));

  const overdue = await Promise.all(
    allOpenShards().map((shard) => dependencies.reservations.overdueMs(shard, now)),
  );
  const result: ReconcileRunResult = {
    checked: tally.checked,
    changed: tally.changed,
    failed: tally.failed,
    notReached: tally.notReached,
    events: tally.events,
    warnings: tally.warnings,
    callsLeft: budget.callsLeft,
    msLeft: budget.remainingMs,
    stoppedBy: budget.stopped ?? null,
    oldestUnresolvedSeconds: Math.round(tally.oldestUnresolvedMs / 1000),
    oldestOverdueSeconds: Math.round(Math.max(0, ...overdue) / 1000),
  };
  const unresolvedSeconds = Math.max(result.oldestUnresolvedSeconds, result.oldestOverdueSeconds);
  const level = nothingHappened(result, unresolvedSeconds)
    ? (options.idleSummaryLevel ?? 'info')
    : 'info';
  dependencies.log[level](RECONCILE_SUMMARY, {
    ...result,
    [UNRESOLVED_SECONDS_FIELD]: unresolvedSeconds,
  });
  return result;
}

/** No change, failure, event, warning or reservation left waiting: checks that found all as it was. */
function nothingHappened(result: ReconcileRunResult, unresolvedSeconds: number): boolean {
  return (
    result.changed === 0 &&
    result.failed === 0 &&
    result.notReached === 0 &&
    result.events === 0 &&
    result.warnings === 0 &&
    result.stoppedBy === null &&
    unresolvedSeconds === 0
  );
}
