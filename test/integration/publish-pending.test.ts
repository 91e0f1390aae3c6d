import type { ScheduledEvent } from 'aws-lambda';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { CallbackQuery } from '#shared/callbacks/callback-query';
import { normalisePaymentStatus } from '#shared/callbacks/payment-status';
import { statusChangeFromCallback } from '#shared/callbacks/status-change';
import { createStatusChangeRepository } from '#shared/callbacks/status-change-repository';
import type { StatusChangedDetail } from '#shared/events/status-changed-event';
import { PENDING_OUTBOX } from '#shared/reservations/table-design';
import { publishPendingEvents } from '../../functions/publish-pending/publish-pending.ts';
import { lambdaContext } from '../support/api-gateway-events.ts';
import {
  callbackFields,
  readStatusChanges,
  seedReservation,
  setLambdaEnvironment,
} from '../support/callback-fixtures.ts';
import { useLocalEventBridge } from '../support/local-event-bridge.ts';
import { createLocalTables, type LocalTables } from '../support/local-tables.ts';
import { sweeperDependencies } from '../support/outbox-sweeper.ts';

const local = useLocalEventBridge();
let tables: LocalTables;

beforeEach(async () => {
  // A table per test: the sweeper reads every pending event of its table.
  tables = await createLocalTables();
});

/** Records `count` captures of one reservation as the callback would, without publishing them. */
async function recordPending(count: number, receivedAt: Date): Promise<string> {
  const repository = createStatusChangeRepository({
    documents: tables.documents,
    tableName: tables.names.reservations,
    now: () => receivedAt,
  });
  const { reservationId, frontPaymentUuid } = await seedReservation(tables);
  const status = normalisePaymentStatus('Captured');
  if (!status) throw new Error('CAPTURED is a known status');
  for (let n = 1; n <= count; n += 1) {
    const reservation = await repository.findReservation(frontPaymentUuid);
    if (!reservation) throw new Error('seeded reservation not found');
    const query: CallbackQuery = {
      ...callbackFields(frontPaymentUuid, 'Captured', { amount: String(n) }),
      checksum: '0'.repeat(64),
    };
    await repository.recordStatusChange(
      reservation,
      statusChangeFromCallback(query, status, receivedAt),
    );
  }
  return reservationId;
}

const dependencies = (now: Date) => sweeperDependencies(tables, local.client, { now: () => now });

const publishedIds = () =>
  local.bridge.events.map((event) => (event.detail as StatusChangedDetail).eventId).sort();

describe('publishPendingEvents (the sweeper)', () => {
  it('publishes every pending event once, in batches, and clears the markers', async () => {
    const now = new Date();
    const reservationId = await recordPending(25, new Date(now.getTime() - 60_000));

    const first = await publishPendingEvents(dependencies(now));
    const second = await publishPendingEvents(dependencies(now));

    const changes = await readStatusChanges(tables, reservationId);
    expect(first).toMatchObject({ found: 25, claimed: 25, failed: [], unmarked: [] });
    expect(publishedIds()).toEqual(changes.map((change) => change.eventId).sort());
    expect(changes.every((change) => change.outbox === undefined)).toBe(true);
    expect(second).toMatchObject({ found: 0, claimed: 0, published: [] });
    expect(local.bridge.events).toHaveLength(25);
  });

  it('leaves alone events younger than the minimum age', async () => {
    const now = new Date();
    const reservationId = await recordPending(1, new Date(now.getTime() - 2_000));

    const result = await publishPendingEvents(dependencies(now), { minAgeMs: 10_000 });

    expect(result).toMatchObject({ found: 0, published: [] });
    expect(local.bridge.events).toEqual([]);
    expect((await readStatusChanges(tables, reservationId))[0]?.outbox).toBe(PENDING_OUTBOX);
  });

  it('does not take an event whose recorder still holds the publish lease', async () => {
    const now = new Date();
    // Old enough for the sweeper, but inside the 30 s lease the recording callback took.
    const reservationId = await recordPending(1, new Date(now.getTime() - 15_000));

    const held = await publishPendingEvents(dependencies(now), { minAgeMs: 10_000 });
    const expired = await publishPendingEvents(dependencies(new Date(now.getTime() + 20_000)));

    expect(held).toMatchObject({ found: 1, claimed: 0, published: [] });
    expect(expired).toMatchObject({ found: 1, claimed: 1 });
    expect(publishedIds()).toEqual(
      (await readStatusChanges(tables, reservationId)).map((change) => change.eventId),
    );
  });

  it('runs as the scheduled Lambda handler with its environment', async () => {
    const reservationId = await recordPending(2, new Date(Date.now() - 60_000));
    setLambdaEnvironment({
      tables,
      eventBridgeUrl: local.bridge.url,
      eventBusName: 'merchant-bus',
    });
    vi.resetModules();
    const { handler } = await import('../../functions/publish-pending/handler.ts');
    const scheduled = {
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
    } as ScheduledEvent;

    const result = await handler(scheduled, lambdaContext());

    expect(result).toMatchObject({ found: 2, claimed: 2, failed: [] });
    expect(local.bridge.events.map((event) => event.eventBusName)).toEqual([
      'merchant-bus',
      'merchant-bus',
    ]);
    expect(publishedIds()).toEqual(
      (await readStatusChanges(tables, reservationId)).map((change) => change.eventId).sort(),
    );
  });
});
