import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { PENDING_OUTBOX, reservationsTableDesign } from '../reservations/table-design.ts';
import type { StatusChangedDetail } from './status-changed-event.ts';

/**
 * How long one publisher may own a pending event (epoch ms in `publishLeaseUntil`). The callback
 * that records a change owns it from the start; a concurrent duplicate or the sweeper takes it
 * only after it expired or was released, so they do not send the event a second time while the
 * first publisher is still at work.
 */
export const PUBLISH_LEASE_MS = 30_000;
export const PUBLISH_LEASE_ATTRIBUTE = 'publishLeaseUntil';

/** The key of a status change item whose event is waiting for EventBridge. */
export interface OutboxKey {
  readonly pk: string;
  readonly sk: string;
}

export interface PendingEvent {
  readonly key: OutboxKey;
  readonly detail: StatusChangedDetail;
}

export interface OutboxRepository {
  /** Keys of pending events received before `receivedBefore` (ISO), oldest first. */
  listPending(query: { receivedBefore: string; limit: number }): Promise<OutboxKey[]>;
  /**
   * Takes the publish lease of a pending event. Undefined when it is no longer pending or another
   * publisher holds an unexpired lease.
   */
  claim(key: OutboxKey, now: Date): Promise<PendingEvent | undefined>;
  /** Gives the lease back after a failed publication, so the next try need not wait for it. */
  release(key: OutboxKey): Promise<void>;
  /** Removes the marker and lease; a marker already gone (another publisher won) is fine. */
  markPublished(key: OutboxKey, publishedAt: Date): Promise<void>;
}

export interface OutboxRepositoryOptions {
  readonly documents: DynamoDBDocumentClient;
  readonly tableName: string;
  /** @default PUBLISH_LEASE_MS */
  readonly leaseMs?: number;
}

export function createOutboxRepository(options: OutboxRepositoryOptions): OutboxRepository {
  const { documents, tableName } = options;
  const leaseMs = options.leaseMs ?? PUBLISH_LEASE_MS;
  const index = reservationsTableDesign.indexes.pendingEvents;
  const names = { '#outbox': index.partitionKey, '#lease': PUBLISH_LEASE_ATTRIBUTE };

  /** Runs a conditional update; undefined when the condition did not hold. */
  async function conditionalUpdate(command: UpdateCommand) {
    try {
      return await documents.send(command);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  return {
    async listPending({ receivedBefore, limit }) {
      const keys: OutboxKey[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await documents.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: index.name,
            KeyConditionExpression: '#outbox = :pending AND #receivedAt < :before',
            ExpressionAttributeNames: {
              '#outbox': index.partitionKey,
              '#receivedAt': index.sortKey,
            },
            ExpressionAttributeValues: { ':pending': PENDING_OUTBOX, ':before': receivedBefore },
            Limit: limit - keys.length,
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? [])
          keys.push({ pk: String(item.pk), sk: String(item.sk) });
        startKey = page.LastEvaluatedKey;
      } while (startKey && keys.length < limit);
      return keys;
    },

    async claim(key, now) {
      const output = await conditionalUpdate(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: key.pk, sk: key.sk },
          UpdateExpression: 'SET #lease = :until',
          ConditionExpression:
            '#outbox = :pending AND (attribute_not_exists(#lease) OR #lease < :now)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: {
            ':pending': PENDING_OUTBOX,
            ':now': now.getTime(),
            ':until': now.getTime() + leaseMs,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const detail = output?.Attributes?.detail as StatusChangedDetail | undefined;
      return detail ? { key: { pk: key.pk, sk: key.sk }, detail } : undefined;
    },

    async release(key) {
      await conditionalUpdate(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: key.pk, sk: key.sk },
          UpdateExpression: 'REMOVE #lease',
          ConditionExpression: 'attribute_exists(#outbox)',
          ExpressionAttributeNames: names,
        }),
      );
    },

    async markPublished(key, publishedAt) {
      await conditionalUpdate(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: key.pk, sk: key.sk },
          UpdateExpression: 'REMOVE #outbox, #lease SET #publishedAt = :publishedAt',
          ConditionExpression: 'attribute_exists(#outbox)',
          ExpressionAttributeNames: { ...names, '#publishedAt': 'publishedAt' },
          ExpressionAttributeValues: { ':publishedAt': publishedAt.toISOString() },
        }),
      );
    },
  };
}
