import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localAwsClientConfig } from '../../infra/local/local-aws.ts';
import { findReservations } from '../../shared/lookups/find-reservations.ts';
import { parseLookupQuery } from '../../shared/lookups/lookup-query.ts';
import type { FoundReservations } from '../../shared/lookups/reservation-summary.ts';
import { createdShardOf } from '../../shared/reservations/created-index.ts';
import { openShardOf } from '../../shared/reservations/open-index.ts';
import { createReservationRepository } from '../../shared/reservations/reservation-repository.ts';
import { reservationKeys } from '../../shared/reservations/table-design.ts';
import { createLocalTables, type LocalTables } from '../support/local-tables.ts';

// 10,000 reservations written by create's own repository call, then every lookup on them,
// counting DynamoDB calls and the read capacity DynamoDB reports for each (printed for docs).
const TOTAL = 10_000;
const REUSED_REFERENCE = 'SCALE-REUSED';
const REUSED_COUNT = 250;
const firstCreatedAt = Date.parse('2026-01-01T00:00:00.000Z');

let tables: LocalTables;
let documents: DynamoDBDocumentClient;
const calls: { command: string; capacity: number }[] = [];
const created: { reservationId: string; referenceNo: string }[] = [];

beforeAll(async () => {
  tables = await createLocalTables();
  const client = new DynamoDBClient({ ...localAwsClientConfig, endpoint: tables.endpoint });
  // Asks every call for its consumed capacity and notes it: what a lookup costs, call by call.
  client.middlewareStack.add(
    (next, context) => async (args) => {
      (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
      const units = [consumed]
        .flat()
        .reduce<number>(
          (sum, entry) => sum + ((entry as { CapacityUnits?: number })?.CapacityUnits ?? 0),
          0,
        );
      calls.push({ command: String(context.commandName), capacity: units });
      return result;
    },
    { step: 'initialize', name: 'consumedCapacity' },
  );
  documents = DynamoDBDocumentClient.from(client);
  const writing = performance.now();
  await writeLikeCreate();
  console.info(
    `lookups at ${TOTAL}: written in ${((performance.now() - writing) / 1000).toFixed(1)} s`,
  );
}, 120_000);

/**
 * Writes TOTAL reservation items exactly as create writes them: the first through create's own
 * repository call, the rest as copies of it (BatchWriteItem, 25 a call, for speed) with each
 * key and key-derived attribute recomputed by the same functions create uses.
 */
async function writeLikeCreate() {
  const repository = createReservationRepository(tables.documents, tables.names.reservations);
  const templateId = randomUUID();
  await repository.startCreating({
    reservationId: templateId,
    amounts: { subTotal: 1000, totalTax: 120, grandTotal: 1120 },
    preferredPaymentMethod: 'visa',
    referenceNo: 'TEMPLATE',
    owner: 'scale-test',
    requestHash: 'scale-test',
    inProgressUntil: Date.now() + 60 * 60_000,
    at: new Date(firstCreatedAt),
  });
  const template = await repository.get(templateId);
  const items = Array.from({ length: TOTAL }, (_, index) => {
    const reservationId = index === 0 ? templateId : randomUUID();
    const referenceNo = index % (TOTAL / REUSED_COUNT) === 0 ? REUSED_REFERENCE : `SCALE-${index}`;
    // One a second; every tenth shares its second with the one before (ties across shards).
    const at = new Date(firstCreatedAt + (index - (index % 10 === 9 ? 1 : 0)) * 1_000);
    created.push({ reservationId, referenceNo });
    return {
      ...template,
      ...reservationKeys.reservation(reservationId),
      reservationId,
      referenceNo,
      createdAt: at.toISOString(),
      updatedAt: at.toISOString(),
      openShard: openShardOf(reservationId),
      createdShard: createdShardOf(reservationId),
    };
  });
  for (let start = 0; start < items.length; start += 25 * 8) {
    await Promise.all(
      Array.from({ length: 8 }, (_, batch) =>
        items.slice(start + batch * 25, start + (batch + 1) * 25),
      )
        .filter((batch) => batch.length > 0)
        .map(async (batch) => {
          const { UnprocessedItems = {} } = await tables.documents.send(
            new BatchWriteCommand({
              RequestItems: {
                [tables.names.reservations]: batch.map((Item) => ({ PutRequest: { Item } })),
              },
            }),
          );
          // DynamoDB Local takes every write; a real table might hand some back.
          expect(UnprocessedItems).toEqual({});
        }),
    );
  }
}

afterAll(() => {
  documents?.destroy();
  tables?.documents.destroy();
});

/** Runs one request, returning its answer and the calls and read capacity it took. */
async function measured(query: Record<string, string>) {
  const before = calls.length;
  const started = performance.now();
  const answer = await findReservations(parseLookupQuery(query), {
    documents,
    tableName: tables.names.reservations,
  });
  const made = calls.slice(before);
  return {
    answer,
    ms: performance.now() - started,
    calls: made.length,
    capacity: made.reduce((sum, call) => sum + call.capacity, 0),
    commands: [...new Set(made.map((call) => call.command))].sort(),
  };
}

async function walk(first: Record<string, string>, limit: number) {
  const pages: Awaited<ReturnType<typeof measured>>[] = [];
  let cursor: string | null = null;
  do {
    const page = await measured(
      cursor ? { cursor, limit: String(limit) } : { ...first, limit: String(limit) },
    );
    pages.push(page);
    cursor = page.answer.nextCursor;
  } while (cursor);
  return pages;
}

function report(name: string, pages: { calls: number; capacity: number; ms: number }[]) {
  const calls = pages.reduce((sum, page) => sum + page.calls, 0);
  const ms = pages.reduce((sum, page) => sum + page.ms, 0);
  const capacity = pages.reduce((sum, page) => sum + page.capacity, 0);
  console.info(
    `lookups at ${TOTAL}: ${name}: ${pages.length} page(s), ${calls} DynamoDB calls ` +
      `(${(calls / pages.length).toFixed(1)} a page), ${capacity.toFixed(1)} RCU ` +
      `(${(capacity / pages.length).toFixed(1)} a page), ${(ms / pages.length).toFixed(0)} ms a page on DynamoDB Local`,
  );
}

const idsOf = (answer: FoundReservations) =>
  answer.reservations.map((reservation) => reservation.reservationId);

describe(`lookups at ${TOTAL} reservations on DynamoDB Local`, () => {
  it('lists all of them once, newest first, in pages of 100 at 8 queries and 1 read each', async () => {
    const pages = await walk({}, 100);
    report('recent list, limit 100', pages);

    const listed = pages.flatMap((page) => page.answer.reservations);
    expect(pages).toHaveLength(TOTAL / 100);
    expect(new Set(listed.map((summary) => summary.reservationId)).size).toBe(TOTAL);
    expect(listed).toHaveLength(TOTAL);
    const times = listed.map((summary) => summary.createdAt);
    expect(times).toEqual([...times].sort().reverse());
    for (const page of pages) {
      expect(page.commands).toEqual(['BatchGetItemCommand', 'QueryCommand']);
      expect(page.calls).toBeLessThanOrEqual(9);
    }
  }, 180_000);

  it('takes one page of a window of an hour', async () => {
    const { answer, calls, capacity, ms } = await measured({
      createdAfter: '2026-01-01T01:00:00Z',
      createdBefore: '2026-01-01T02:00:00Z',
      limit: '100',
    });
    report('recent list, one hour window, first page', [{ calls, capacity, ms }]);

    expect(answer.reservations).toHaveLength(100);
    // 01:59:59 is the tenth of its ten: it was created in the second before.
    expect(answer.reservations[0]?.createdAt).toBe('2026-01-01T01:59:58.000Z');
    expect(calls).toBe(9);
  });

  it('finds one reservation by its reference, and a reused reference page by page', async () => {
    const one = created.find((reservation) => reservation.referenceNo === 'SCALE-4321');
    const single = await measured({ referenceNo: 'SCALE-4321' });
    report('referenceNo, one match', [single]);
    expect(idsOf(single.answer)).toEqual([one?.reservationId]);
    expect(single.calls).toBe(2);

    const pages = await walk({ referenceNo: REUSED_REFERENCE }, 100);
    report(`referenceNo shared by ${REUSED_COUNT}, limit 100`, pages);
    const found = pages.flatMap((page) => idsOf(page.answer));
    expect(new Set(found)).toEqual(
      new Set(
        created
          .filter((reservation) => reservation.referenceNo === REUSED_REFERENCE)
          .map((reservation) => reservation.reservationId),
      ),
    );
    expect(found).toHaveLength(REUSED_COUNT);
    expect(pages.map((page) => page.calls)).toEqual([2, 2, 2]);
  });

  it("finds one reservation by Front Payment's uuid in two calls", async () => {
    // These reservations never reached Front Payment: give one a session's uuid as create does.
    const target = created[1234];
    const repository = createReservationRepository(tables.documents, tables.names.reservations);
    await repository.recordSessionCreated(
      target?.reservationId ?? '',
      { customerUuid: 'CSRT1', reservationUuid: 'RES4161996022', paymentUrl: 'https://pay.test/x' },
      new Date(),
    );

    const byUuid = await measured({ reservationUuid: 'RES4161996022' });
    report('reservationUuid', [byUuid]);

    expect(idsOf(byUuid.answer)).toEqual([target?.reservationId]);
    expect(byUuid.calls).toBe(2);
  });
});
