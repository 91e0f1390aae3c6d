import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { reservationKeys } from './table-design.ts';

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
