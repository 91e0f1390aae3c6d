import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isFinalStatus } from '#shared/callbacks/payment-status';
import { checkTime, openShardOf } from '#shared/reservations/open-index';
import { SESSION_STATUSES } from '#shared/reservations/reservation-status';
import { reservationKeys } from '#shared/reservations/table-design';

/**
 * Puts reservations written before the open-reservations index existed into it, due now: every
 * reservation item that is not final and has no `openShard`. Run once after the first deploy
 * with the reconciler (docs/reconciler.md); running it again changes nothing. Returns how many
 * it added.
 */
export async function backfillOpenIndex(
  documents: DynamoDBDocumentClient,
  tableName: string,
  now: Date = new Date(),
): Promise<number> {
  let added = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'sk = :reservation AND attribute_not_exists(openShard)',
        ProjectionExpression: 'reservationId, #status',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':reservation': reservationKeys.reservation('').sk },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      const status = String(item.status);
      if (isFinalStatus(status) || status === SESSION_STATUSES.sessionFailed) continue;
      try {
        await documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: reservationKeys.reservation(String(item.reservationId)),
            UpdateExpression: 'SET openShard = :shard, nextCheckAt = :due',
            // Not final now either (a callback may have finished it since the scan).
            ConditionExpression:
              'attribute_exists(pk) AND attribute_not_exists(openShard) AND NOT #status IN (:completed, :expired, :cancelled, :failed)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':shard': openShardOf(String(item.reservationId)),
              ':due': checkTime(now),
              ':completed': 'COMPLETED',
              ':expired': 'EXPIRED',
              ':cancelled': 'CANCELLED',
              ':failed': SESSION_STATUSES.sessionFailed,
            },
          }),
        );
        added += 1;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return added;
}
