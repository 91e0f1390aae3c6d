import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { reservationsTableDesign } from './table-design.ts';

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
