import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createdShardOf } from './created-index.ts';
import { reservationKeys } from './table-design.ts';

/**
 * Puts reservations written before the recent-reservations index existed into it: every
 * reservation item without `createdShard` gets the one create would have written. Run once after
 * the deployment that adds the index (docs/deploy.md); running it again changes nothing. A Scan,
 * as a one-off maintenance step: the lookups themselves never scan. Returns how many it added.
 */
export async function backfillCreatedIndex(
  documents: DynamoDBDocumentClient,
  tableName: string,
): Promise<number> {
  let added = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'sk = :reservation AND attribute_not_exists(createdShard)',
        ProjectionExpression: 'reservationId',
        ExpressionAttributeValues: { ':reservation': reservationKeys.reservation('').sk },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      const reservationId = String(item.reservationId);
      try {
        await documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: reservationKeys.reservation(reservationId),
            UpdateExpression: 'SET createdShard = :shard',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(createdShard)',
            ExpressionAttributeValues: { ':shard': createdShardOf(reservationId) },
          }),
        );
        added += 1;
      } catch (error) {
        // Written by create since the scan saw it: it has its shard already.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return added;
}
