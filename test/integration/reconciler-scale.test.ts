import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { seedReservation, useCallbackStack } from '../support/callback-fixtures.ts';
import {
  createAtSandbox,
  openInIndex,
  reconcilerOn,
  runReconciler,
} from '../support/reconciler.ts';

// Its own tables and sandbox: only these 5,000 reservations are in the index.
const stack = useCallbackStack({ handler: false });

describe('the open-reservations index under many reservations', () => {
  it('walks 5,000 open reservations page by page within the call budget, each once', async () => {
    const total = 5_000;
    const uuids: string[] = [];
    for (let start = 0; start < total; start += 100) {
      uuids.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(100, total - start) }, () =>
            createAtSandbox(stack, {}, 'https://shop.example.test/never-called'),
          ),
        )),
      );
    }
    for (let start = 0; start < total; start += 100) {
      await Promise.all(
        uuids.slice(start, start + 100).map(async (uuid) => {
          const { reservationId } = await seedReservation(stack.tables, { frontPaymentUuid: uuid });
          await openInIndex(stack, reservationId);
        }),
      );
    }
    const detailsCalls = () =>
      stack.sandbox.calls.filter((call) => call.path.includes('/reservations/details/'));
    const callsBefore = detailsCalls().length;
    const dependencies = reconcilerOn(stack);

    const startedAt = performance.now();
    const first = await runReconciler(dependencies, {
      callBudget: 2_000,
      deadline: Date.now() + 300_000,
    });
    const second = await runReconciler(dependencies, {
      callBudget: 10_000,
      deadline: Date.now() + 300_000,
    });
    const seconds = (performance.now() - startedAt) / 1000;
    const third = await runReconciler(dependencies, { callBudget: 10_000 });
    console.info(
      `reconciler: ${total} open reservations in ${seconds.toFixed(1)} s over two runs (${(
        (seconds * 1000) / total
      ).toFixed(1)} ms each)`,
    );

    expect(first).toMatchObject({ checked: 2_000, stoppedBy: 'calls', callsLeft: 0, failed: 0 });
    expect(second).toMatchObject({ checked: 3_000, failed: 0, notReached: 0, stoppedBy: null });
    expect(third.checked).toBe(0);
    const perUuid = new Map<string, number>();
    for (const call of detailsCalls().slice(callsBefore)) {
      const uuid = call.path.split('/').at(-1) ?? '';
      perUuid.set(uuid, (perUuid.get(uuid) ?? 0) + 1);
    }
    expect(perUuid.size).toBe(total);
    expect([...perUuid.values()].every((count) => count === 1)).toBe(true);
    const { Items = [] } = await stack.tables.documents.send(
      new ScanCommand({
        TableName: stack.tables.names.reservations,
        FilterExpression: 'nextCheckAt <= :now',
        ExpressionAttributeValues: { ':now': new Date().toISOString() },
      }),
    );
    expect(Items).toHaveLength(0);
  }, 600_000);
});
