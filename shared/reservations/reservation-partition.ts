import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { reservationKeys, reservationsTableDesign } from './table-design.ts';

/**
 * Every item of one reservation's partition (the reservation, its changes, its commands, …),
 * read consistently, page after page; `sortKeyPrefix` narrows it to one kind of item.
 */
export async function readReservationPartition(
  documents: DynamoDBDocumentClient,
  tableName: string,
  reservationId: string,
  sortKeyPrefix?: string,
): Promise<Record<string, unknown>[]> {
  const { pk } = reservationKeys.reservation(reservationId);
  const items: Record<string, unknown>[] = [];
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: sortKeyPrefix
          ? 'pk = :pk AND begins_with(sk, :prefix)'
          : 'pk = :pk',
        ExpressionAttributeValues: {
          ':pk': pk,
          ...(sortKeyPrefix ? { ':prefix': sortKeyPrefix } : {}),
        },
        ConsistentRead: true,
        ...(cursor ? { ExclusiveStartKey: cursor } : {}),
      }),
    );
    items.push(...(page.Items ?? []));
    cursor = page.LastEvaluatedKey;
  } while (cursor);
  return items;
}

/**
 * The keys of our reservations that recorded Front Payment's `reservationUuid`, from the
 * `by-front-payment-uuid` index (KEYS_ONLY, eventually consistent: a miss is no proof), at most
 * `limit` of them.
 */
export async function reservationKeysByUuid(
  documents: DynamoDBDocumentClient,
  tableName: string,
  reservationUuid: string,
  limit: number,
): Promise<Record<string, unknown>[]> {
  const index = reservationsTableDesign.indexes.byFrontPaymentUuid;
  const { Items = [] } = await documents.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: index.name,
      KeyConditionExpression: '#uuid = :uuid',
      ExpressionAttributeNames: { '#uuid': index.partitionKey },
      ExpressionAttributeValues: { ':uuid': reservationUuid },
      Limit: limit,
    }),
  );
  return Items;
}
