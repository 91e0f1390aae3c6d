import { describe, expect, it } from 'vitest';
import { RECONCILE_SUMMARY } from '#shared/reservations/reconcile-log';
import { useCallbackStack } from '../support/callback-fixtures.ts';
import { openInIndex, reconcilerOn, runReconciler } from '../support/reconciler.ts';

const stack = useCallbackStack();

const summaryLevels = (dependencies: ReturnType<typeof reconcilerOn>) =>
  dependencies.log.lines
    .filter((line) => line.message === RECONCILE_SUMMARY)
    .map((line) => line.level);

/** A reservation known to the sandbox and to our table, open and due now. */
async function openReservation() {
  const reservation = await stack.createReservation();
  await openInIndex(stack, reservation.reservationId);
  return reservation;
}

describe("the reconciler's summary line", () => {
  it('is INFO for every run by default: in AWS each summary feeds the metric filters', async () => {
    const dependencies = reconcilerOn(stack);

    await runReconciler(dependencies);

    expect(summaryLevels(dependencies)).toEqual(['INFO']);
  });

  it('is DEBUG with idleSummaryLevel debug when the run found everything as it was', async () => {
    await openReservation();
    const dependencies = reconcilerOn(stack);

    const result = await runReconciler(dependencies, { idleSummaryLevel: 'debug' });

    expect(result).toMatchObject({ checked: 1, changed: 0, failed: 0 });
    expect(summaryLevels(dependencies)).toEqual(['DEBUG']);
  });

  it('stays INFO with idleSummaryLevel debug when a check failed', async () => {
    await openReservation();
    stack.sandbox.injectFault({ kind: 'status', statusCode: 500 });
    const dependencies = reconcilerOn(stack);

    const result = await runReconciler(dependencies, { idleSummaryLevel: 'debug' });

    expect(result).toMatchObject({ failed: 1 });
    expect(summaryLevels(dependencies)).toEqual(['INFO']);
  });
});
