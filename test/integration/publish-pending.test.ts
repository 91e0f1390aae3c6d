import type { ScheduledEvent } from 'aws-lambda';
import * as v from 'valibot';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { StatusChangeRecord } from '#shared/callbacks/status-change-record';
import { createStatusChangeRepository } from '#shared/callbacks/status-change-repository';
import type { EventPublisher } from '#shared/events/event-publisher';
import {
  OLDEST_PENDING_AGE_FIELD,
  OUTBOX_SWEPT,
  STATUS_EVENT_NOT_PUBLISHED,
} from '#shared/events/outbox-log';
import {
  createOutboxRepository,
  type OutboxRepository,
  PUBLISH_LEASE_MS,
} from '#shared/events/outbox-repository';
import type { StatusChangedDetail } from '#shared/events/status-changed-event';
import { ReservationDetailsSchema } from '#shared/front-payment/reservation-details';
import { PENDING_OUTBOX } from '#shared/reservations/table-design';
import { publishPendingEvents } from '../../functions/publish-pending/publish-pending.ts';
import { lambdaContext } from '../support/api-gateway-events.ts';
import {
  readStatusChanges,
  seedReservation,
  setLambdaEnvironment,
} from '../support/callback-fixtures.ts';
import { useLocalEventBridge } from '../support/local-event-bridge.ts';
import { createLocalTables, type LocalTables } from '../support/local-tables.ts';
import { collectingLog, sweeperDependencies } from '../support/outbox-sweeper.ts';

const local = useLocalEventBridge();
let tables: LocalTables;

beforeEach(async () => {
  // A table per test: the sweeper reads every pending event of its table.
  tables = await createLocalTables();
});

/**
 * Records `count` captures of one reservation as the callback would from Front Payment's
 * details, without publishing them (so each keeps its recorder's lease until `receivedAt` + the
 * lease time).
 */
async function recordPending(count: number, receivedAt: Date): Promise<string> {
  const repository = createStatusChangeRepository({
    documents: tables.documents,
    tableName: tables.names.reservations,
    now: () => receivedAt,
  });
  const { reservationId, frontPaymentUuid } = await seedReservation(tables);
  const reservation = await repository.findReservationById(reservationId);
  if (!reservation) throw new Error('seeded reservation not found');
  const details = v.parse(ReservationDetailsSchema, {
    reservationUuid: frontPaymentUuid,
    status: 'CAPTURED',
    paymentHistory: {
      captured: Array.from({ length: count }, (_, n) => ({
        at: null,
        amount: n + 1,
        reference: `CAP${n + 1}`,
      })),
    },
  });
  // Only the captures: the details show no reservation of their own here.
  await repository.recordChanges(reservation, details, receivedAt.toISOString(), undefined);
  return reservationId;
}

const dependencies = (now: Date) => sweeperDependencies(tables, local.client, { now: () => now });

const outboxAt = (now: () => Date): OutboxRepository =>
  createOutboxRepository({
    documents: tables.documents,
    tableName: tables.names.reservations,
    now,
  });

const publishedIds = () =>
  local.bridge.events.map((event) => (event.detail as StatusChangedDetail).eventId).sort();

const pendingCount = async (reservationId: string) =>
  (await readStatusChanges(tables, reservationId)).filter((c) => c.outbox === PENDING_OUTBOX)
    .length;

describe('publishPendingEvents (the sweeper)', () => {
  it('publishes every pending event once, in batches, and clears the markers', async () => {
    const now = new Date();
    const reservationId = await recordPending(25, new Date(now.getTime() - 2 * PUBLISH_LEASE_MS));

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
    // Old enough for the sweeper, but inside the lease the recording callback took.
    const recordedAt = new Date(now.getTime() - 15_000);
    const reservationId = await recordPending(1, recordedAt);
    const leaseEnds = recordedAt.getTime() + PUBLISH_LEASE_MS;

    const held = await publishPendingEvents(dependencies(new Date(leaseEnds - 1_000)));
    const expired = await publishPendingEvents(dependencies(new Date(leaseEnds + 1_000)));

    expect(held).toMatchObject({ found: 1, claimed: 0, published: [] });
    expect(expired).toMatchObject({ found: 1, claimed: 1 });
    expect(publishedIds()).toEqual(
      (await readStatusChanges(tables, reservationId)).map((change) => change.eventId),
    );
  });

  it('runs as the scheduled Lambda handler with its environment', async () => {
    const reservationId = await recordPending(2, new Date(Date.now() - 2 * PUBLISH_LEASE_MS));
    setLambdaEnvironment({
      tables,
      eventBridgeUrl: local.bridge.url,
      // No kept callback here: Front Payment is never asked.
      frontPaymentUrl: 'http://127.0.0.1:9',
      eventBusName: 'merchant-bus',
    });
    vi.resetModules();
    const { handler } = await import('../../functions/publish-pending/handler.ts');
    const scheduled = {
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
    } as ScheduledEvent;

    const result = await handler(scheduled, lambdaContext(50_000));

    expect(result).toMatchObject({
      callbacks: { found: 0, claimed: 0 },
      events: { found: 2, claimed: 2, failed: [] },
    });
    expect(local.bridge.events.map((event) => event.eventBusName)).toEqual([
      'merchant-bus',
      'merchant-bus',
    ]);
    expect(publishedIds()).toEqual(
      (await readStatusChanges(tables, reservationId)).map((change) => change.eventId).sort(),
    );
  });
});

describe('the sweeper works through a backlog larger than one page', () => {
  it('keeps listing, claiming and publishing page after page in one run', async () => {
    const now = new Date();
    const reservationId = await recordPending(23, new Date(now.getTime() - 2 * PUBLISH_LEASE_MS));

    const sweep = dependencies(now);
    const limits: number[] = [];
    const paged: OutboxRepository = {
      ...sweep.outbox,
      listPending: (query) => {
        limits.push(query.limit);
        return sweep.outbox.listPending(query);
      },
    };

    const result = await publishPendingEvents({ ...sweep, outbox: paged }, { pageSize: 5 });

    expect(limits).toEqual([5, 5, 5, 5, 5]);
    expect(result).toMatchObject({ found: 23, claimed: 23, failed: [] });
    expect(local.bridge.events).toHaveLength(23);
    expect(await pendingCount(reservationId)).toBe(0);
  });

  it('starts no new page once the Lambda has less than 10 s left; the next run goes on', async () => {
    const now = new Date();
    const reservationId = await recordPending(12, new Date(now.getTime() - 2 * PUBLISH_LEASE_MS));
    // The Lambda has 40 s left during the first two pages, then less than 10 s.
    let pages = 0;
    const short = sweeperDependencies(tables, local.client, {
      now: () => now,
      remainingTimeMs: () => (pages < 2 ? 40_000 : 9_999),
    });
    const counting: OutboxRepository = {
      ...short.outbox,
      listPending: (query) => {
        pages += 1;
        return short.outbox.listPending(query);
      },
    };

    const first = await publishPendingEvents({ ...short, outbox: counting }, { pageSize: 5 });
    const left = await pendingCount(reservationId);
    const second = await publishPendingEvents(dependencies(now), { pageSize: 5 });

    // Two pages: the first, and the one started with 40 s left; not a third with 9.999 s.
    expect(first).toMatchObject({ found: 10, claimed: 10 });
    expect(left).toBe(2);
    expect(second).toMatchObject({ found: 2, claimed: 2 });
    expect(local.bridge.events).toHaveLength(12);
  });
});

describe("the sweeper's log lines (the outbox alarms read them)", () => {
  it(`writes one "${OUTBOX_SWEPT}" line with counts and the oldest pending age`, async () => {
    const now = new Date();
    await recordPending(2, new Date(now.getTime() - 90_600));
    await recordPending(1, new Date(now.getTime() - 75_000));
    const log = collectingLog();

    await publishPendingEvents(sweeperDependencies(tables, local.client, { now: () => now, log }));

    expect(log.entries.filter((entry) => entry.message === OUTBOX_SWEPT)).toEqual([
      {
        level: 'info',
        message: OUTBOX_SWEPT,
        attributes: {
          found: 3,
          claimed: 3,
          published: 3,
          failed: 0,
          unmarked: 0,
          [OLDEST_PENDING_AGE_FIELD]: 90,
        },
      },
    ]);
  });

  it(`adds one "${STATUS_EVENT_NOT_PUBLISHED}" warning per event it could not publish`, async () => {
    const now = new Date();
    await recordPending(2, new Date(now.getTime() - 2 * PUBLISH_LEASE_MS));
    local.bridge.failNextEntries(100);
    const log = collectingLog();

    await publishPendingEvents(sweeperDependencies(tables, local.client, { now: () => now, log }));
    local.bridge.clear();

    expect(log.entries.filter((entry) => entry.message === STATUS_EVENT_NOT_PUBLISHED)).toEqual([
      expect.objectContaining({ level: 'warn' }),
      expect.objectContaining({ level: 'warn' }),
    ]);
    expect(log.entries.find((entry) => entry.message === OUTBOX_SWEPT)?.attributes).toMatchObject({
      found: 2,
      published: 0,
      failed: 2,
      [OLDEST_PENDING_AGE_FIELD]: 120,
    });
  });

  it('writes nothing when nothing is pending', async () => {
    const log = collectingLog();

    await publishPendingEvents(
      sweeperDependencies(tables, local.client, { now: () => new Date(), log }),
    );

    expect(log.entries).toEqual([]);
  });
});

describe('publish leases are owned', () => {
  async function onlyPendingKey() {
    const { keys } = await outboxAt(() => new Date()).listPending({
      receivedBefore: new Date(Date.now() + 1_000).toISOString(),
      limit: 10,
    });
    expect(keys).toHaveLength(1);
    const [key] = keys;
    if (!key) throw new Error('no pending event');
    return { pk: key.pk, sk: key.sk };
  }

  async function readChange(key: { pk: string; sk: string }) {
    const changes = await readStatusChanges(tables, key.pk.replace('RESERVATION#', ''));
    return changes.find((change) => change.sk === key.sk) as StatusChangeRecord;
  }

  it('a release or markPublished by anyone but the owner leaves the lease and the marker', async () => {
    await recordPending(1, new Date(Date.now() - 2 * PUBLISH_LEASE_MS));
    const key = await onlyPendingKey();
    const outbox = outboxAt(() => new Date());
    const held = await outbox.claim(key);
    if (!held) throw new Error('the expired recorder lease should be free');

    await outbox.release({ key, leaseOwner: 'someone-else' });
    const cleared = await outbox.markPublished({ key, leaseOwner: 'someone-else' }, new Date());

    expect(cleared).toBe(false);
    expect(await outbox.claim(key)).toBeUndefined();
    expect(await readChange(key)).toMatchObject({
      outbox: PENDING_OUTBOX,
      publishLeaseOwner: held.leaseOwner,
    });
    // Its owner can give it back.
    await outbox.release(held);
    expect(await outbox.claim(key)).toBeDefined();
  });

  it('a late sweep does not republish an event another sweep is still publishing', async () => {
    const startedAt = Date.now();
    let clock = startedAt;
    const now = () => new Date(clock);
    await recordPending(1, new Date(startedAt - 2 * PUBLISH_LEASE_MS));
    const slow = sweeperDependencies(tables, local.client, { now });
    let releaseGate = () => {};
    const gate = new Promise<void>((resolve) => {
      releaseGate = resolve;
    });
    let publishing = () => {};
    const publishingStarted = new Promise<void>((resolve) => {
      publishing = resolve;
    });
    const gatedPublisher: EventPublisher = {
      async publish(details, options) {
        publishing();
        await gate;
        return slow.publisher.publish(details, options);
      },
    };
    const slowOutbox: OutboxRepository = {
      ...slow.outbox,
      async listPending(query) {
        const page = await slow.outbox.listPending(query);
        clock += 50_000; // A long sweep: its claim comes 50 s after it started.
        return page;
      },
    };

    const first = publishPendingEvents({ ...slow, outbox: slowOutbox, publisher: gatedPublisher });
    await publishingStarted;
    clock += 30_000; // The next sweep, 80 s after the first one started.
    const late = await publishPendingEvents(sweeperDependencies(tables, local.client, { now }));
    releaseGate();
    const firstResult = await first;

    expect(late).toMatchObject({ found: 1, claimed: 0, published: [] });
    expect(firstResult).toMatchObject({ claimed: 1, unmarked: [] });
    expect(firstResult.published).toHaveLength(1);
    expect(local.bridge.events).toHaveLength(1);
  });
});
