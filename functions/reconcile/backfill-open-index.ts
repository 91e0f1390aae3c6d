import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isFinalStatus } from '#shared/callbacks/payment-status';
import { backfillReservations } from '#shared/reservations/backfill-reservations';
import { checkTime, openShardOf } from '#shared/reservations/open-index';
import { SESSION_STATUSES } from '#shared/reservations/reservation-status';

/**
 * Puts reservations written before the open-reservations index existed into it, due now: every
 * reservation item that is not final and has no `openShard`. Run once after the first deploy
 * with the reconciler (docs/reconciler.md); running it again changes nothing. Returns how many
 * it added.
 */
export function backfillOpenIndex(
  documents: DynamoDBDocumentClient,
  tableName: string,
  now: Date = new Date(),
): Promise<number> {
  return backfillReservations(documents, tableName, {
    missing: 'openShard',
    reads: ['status'],
    update: ({ reservationId, status }) => {
      if (isFinalStatus(String(status)) || status === SESSION_STATUSES.sessionFailed) {
        return undefined;
      }
      return {
        UpdateExpression: 'SET openShard = :shard, nextCheckAt = :due',
        // Not final now either (a callback may have finished it since the scan).
        ConditionExpression: 'NOT #status IN (:completed, :expired, :cancelled, :failed)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':shard': openShardOf(reservationId),
          ':due': checkTime(now),
          ':completed': 'COMPLETED',
          ':expired': 'EXPIRED',
          ':cancelled': 'CANCELLED',
          ':failed': SESSION_STATUSES.sessionFailed,
        },
      };
    },
  });
}
