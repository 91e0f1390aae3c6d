import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { reservationKeys } from '../reservations/table-design.ts';
import type { StreamPosition } from './lookup-cursor.ts';

/** One partition of an index, newest first: its name, key and the window on `createdAt`. */
export interface IndexStream {
  readonly indexName: string;
  readonly partitionKey: string;
  readonly partitionValue: string;
  /** Inclusive bounds on the sort key `createdAt`, both ISO text. */
  readonly from: string | null;
  readonly to: string | null;
}

/** A reservation's key as the index holds it (KEYS_ONLY). */
export interface IndexEntry {
  readonly reservationId: string;
  readonly createdAt: string;
  readonly key: { readonly pk: string; readonly sk: string };
}

/**
 * One page of a list spread over `streams` (index partitions), newest first: each partition is
 * queried for up to `limit + 1` keys from where it stopped, the answers are merged by `createdAt`,
 * and the first `limit` are taken. The `+ 1` tells a partition that has more from one that ended,
 * so the last page says so and no empty page follows it. Costs one Query per partition not ended.
 */
export async function mergedIndexPage(
  documents: DynamoDBDocumentClient,
  tableName: string,
  streams: readonly IndexStream[],
  positions: readonly StreamPosition[],
  limit: number,
): Promise<{ entries: IndexEntry[]; positions: StreamPosition[] }> {
  const answers = await Promise.all(
    streams.map((stream, index) =>
      queryStream(documents, tableName, stream, positions[index] ?? 'start', limit + 1),
    ),
  );
  const taken = answers.map(() => 0);
  const entries: IndexEntry[] = [];
  while (entries.length < limit) {
    let newest = -1;
    for (const [index, answer] of answers.entries()) {
      const head = answer.entries[taken[index] ?? 0];
      const best = answers[newest]?.entries[taken[newest] ?? 0];
      // Ties go to the lower partition, so the order is the same on every call.
      if (head && (!best || head.createdAt > best.createdAt)) newest = index;
    }
    const answer = answers[newest];
    if (!answer) break;
    const position = taken[newest] ?? 0;
    entries.push(answer.entries[position] as IndexEntry);
    taken[newest] = position + 1;
  }
  return {
    entries,
    positions: answers.map((answer, index) => {
      const count = taken[index] ?? 0;
      if (count === answer.entries.length && !answer.more) return 'end';
      const last = answer.entries[count - 1];
      return last ? [last.createdAt, last.reservationId] : (positions[index] ?? 'start');
    }),
  };
}

async function queryStream(
  documents: DynamoDBDocumentClient,
  tableName: string,
  stream: IndexStream,
  position: StreamPosition,
  limit: number,
): Promise<{ entries: IndexEntry[]; more: boolean }> {
  if (position === 'end') return { entries: [], more: false };
  // A window of less than a millisecond holds nothing (DynamoDB refuses BETWEEN high AND low).
  if (stream.from !== null && stream.to !== null && stream.from > stream.to) {
    return { entries: [], more: false };
  }
  const page = await documents.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: stream.indexName,
      KeyConditionExpression: `#partition = :partition${windowCondition(stream)}`,
      ExpressionAttributeNames: {
        '#partition': stream.partitionKey,
        // DynamoDB refuses a name the expression does not use.
        ...(stream.from !== null || stream.to !== null ? { '#createdAt': 'createdAt' } : {}),
      },
      ExpressionAttributeValues: {
        ':partition': stream.partitionValue,
        ...(stream.from !== null ? { ':from': stream.from } : {}),
        ...(stream.to !== null ? { ':to': stream.to } : {}),
      },
      ScanIndexForward: false,
      Limit: limit,
      ...(position === 'start'
        ? {}
        : {
            ExclusiveStartKey: {
              ...reservationKeys.reservation(position[1]),
              [stream.partitionKey]: stream.partitionValue,
              createdAt: position[0],
            },
          }),
    }),
  );
  return {
    entries: (page.Items ?? []).map((item) => ({
      reservationId: String(item.pk).slice(RESERVATION_PREFIX.length),
      createdAt: String(item.createdAt),
      key: { pk: String(item.pk), sk: String(item.sk) },
    })),
    more: page.LastEvaluatedKey !== undefined,
  };
}

const RESERVATION_PREFIX = reservationKeys.reservation('').pk;

function windowCondition(stream: IndexStream): string {
  if (stream.from !== null && stream.to !== null) return ' AND #createdAt BETWEEN :from AND :to';
  if (stream.from !== null) return ' AND #createdAt >= :from';
  if (stream.to !== null) return ' AND #createdAt <= :to';
  return '';
}
