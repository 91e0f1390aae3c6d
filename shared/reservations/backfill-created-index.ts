import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { backfillReservations } from './backfill-reservations.ts';
import { createdShardOf } from './created-index.ts';

/**
 * Puts reservations written before the recent-reservations index existed into it: every
 * reservation item without `createdShard` gets the one create would have written. Run once after
 * the deployment that adds the index (docs/deploy.md); running it again changes nothing. Returns
 * how many it added.
 */
export function backfillCreatedIndex(
  documents: DynamoDBDocumentClient,
  tableName: string,
): Promise<number> {
  return backfillReservations(documents, tableName, {
    missing: 'createdShard',
    update: ({ reservationId }) => ({
      UpdateExpression: 'SET createdShard = :shard',
      ExpressionAttributeValues: { ':shard': createdShardOf(reservationId) },
    }),
  });
}
