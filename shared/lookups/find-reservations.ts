import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { allCreatedShards } from '../reservations/created-index.ts';
import type { ReservationRecord } from '../reservations/reservation-record.ts';
import { reservationsTableDesign } from '../reservations/table-design.ts';
import { reservationKeysByUuid } from '../reservations/uuid-index.ts';
import { readItems } from './batch-read.ts';
import { type IndexStream, mergedIndexPage } from './index-page.ts';
import { decodeCursor, encodeCursor, type ListFilter } from './lookup-cursor.ts';
import type { LookupQuery } from './lookup-query.ts';
import { type FoundReservations, summaryOf } from './reservation-summary.ts';

export interface LookupTables {
  readonly documents: DynamoDBDocumentClient;
  readonly tableName: string;
}

/** `GET /reservations`: one lookup or one page of a list, from the table's indexes only. */
export async function findReservations(
  query: LookupQuery,
  tables: LookupTables,
): Promise<FoundReservations> {
  if (query.kind === 'uuid') {
    // A uuid belongs to one reservation; a few keys leave room for an inconsistent index.
    const keys = await reservationKeysByUuid(
      tables.documents,
      tables.tableName,
      query.reservationUuid,
      10,
    );
    const entries = keys.map((key) => ({ key: { pk: String(key.pk), sk: String(key.sk) } }));
    return { reservations: await summariesOf(entries, tables), nextCursor: null };
  }
  const { filter, positions } =
    query.start.kind === 'cursor'
      ? decodeCursor(query.start.cursor, (decoded) => streamsOf(decoded).map(partitionOf))
      : { filter: query.start, positions: streamsOf(query.start).map(() => 'start' as const) };
  const page = await mergedIndexPage(
    tables.documents,
    tables.tableName,
    streamsOf(filter),
    positions,
    query.limit,
  );
  return {
    reservations: await summariesOf(page.entries, tables),
    nextCursor: page.positions.every((position) => position === 'end')
      ? null
      : encodeCursor({ filter, positions: page.positions }),
  };
}

/** The index partitions a list reads, in a fixed order (the cursor's positions follow it). */
function streamsOf(filter: ListFilter): IndexStream[] {
  const { indexes } = reservationsTableDesign;
  if (filter.kind === 'reference') {
    return [
      {
        indexName: indexes.byReferenceNo.name,
        partitionKey: indexes.byReferenceNo.partitionKey,
        partitionValue: filter.referenceNo,
        from: null,
        to: null,
      },
    ];
  }
  // createdAfter and createdBefore exclude their own instant; the index's bounds are inclusive.
  const from = filter.createdAfter === null ? null : shiftMs(filter.createdAfter, 1);
  const to = filter.createdBefore === null ? null : shiftMs(filter.createdBefore, -1);
  return allCreatedShards().map((shard) => ({
    indexName: indexes.recentReservations.name,
    partitionKey: indexes.recentReservations.partitionKey,
    partitionValue: shard,
    from,
    to,
  }));
}

function partitionOf(stream: IndexStream): string {
  return stream.partitionValue;
}

function shiftMs(isoTime: string, ms: number): string {
  return new Date(new Date(isoTime).getTime() + ms).toISOString();
}

/** The reservations of `entries`, in their order; one read for the page. */
async function summariesOf(
  entries: readonly { readonly key: { readonly pk: string; readonly sk: string } }[],
  tables: LookupTables,
) {
  if (entries.length === 0) return [];
  const items = await readItems(
    tables.documents,
    tables.tableName,
    entries.map((entry) => entry.key),
  );
  return entries.flatMap((entry) => {
    const item = items.get(entry.key.pk) as ReservationRecord | undefined;
    return item ? [summaryOf(item)] : [];
  });
}
