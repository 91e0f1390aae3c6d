import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { PENDING_OUTBOX, reservationsTableDesign } from '../reservations/table-design.ts';
import type { StatusChangedDetail } from './status-changed-event.ts';

/**
 * How long one publisher may own a pending event (epoch ms in `publishLeaseUntil`), counted from
 * the moment it took the lease. The callback that records a change owns it from the start; a
 * concurrent duplicate or the sweeper takes it only after it expired or was released, so they do
 * not send the event a second time while the first publisher is still at work. Longer than the
 * longest holder can live (the sweeper's 50 s Lambda timeout), so a lease never expires under a
 * publisher that is still running.
 */
export const PUBLISH_LEASE_MS = 60_000;
export const PUBLISH_LEASE_ATTRIBUTE = 'publishLeaseUntil';
/** A random token per lease: only its holder may release it or clear the marker. */
export const PUBLISH_LEASE_OWNER_ATTRIBUTE = 'publishLeaseOwner';

/** The key of a status change item whose event is waiting for EventBridge. */
export interface OutboxKey {
  readonly pk: string;
  readonly sk: string;
}

/** A pending event as the index lists it. */
export interface PendingKey extends OutboxKey {
  /** When the change was received (ISO): the index's sort key, so the first listed is the oldest. */
  readonly receivedAt: string;
}

/** A pending event whose publish lease the caller holds. */
export interface LeasedEvent {
  readonly key: OutboxKey;
  readonly leaseOwner: string;
}

export interface PendingEvent extends LeasedEvent {
  readonly detail: StatusChangedDetail;
}

/** Where a listing stopped; pass it back to read on. Opaque to callers. */
export type OutboxCursor = Readonly<Record<string, unknown>>;

export interface PendingPage {
  /** Oldest first. */
  readonly keys: readonly PendingKey[];
  /** Present when more pending events may follow. */
  readonly next?: OutboxCursor;
}

export interface OutboxRepository {
  /** Up to `limit` pending events received before `receivedBefore` (ISO), after `cursor`. */
  listPending(query: {
    receivedBefore: string;
    limit: number;
    cursor?: OutboxCursor;
  }): Promise<PendingPage>;
  /**
   * Takes the publish lease of a pending event under a new owner token, until the clock's now plus
   * the lease time. Undefined when it is no longer pending or another owner's lease is unexpired.
   */
  claim(key: OutboxKey): Promise<PendingEvent | undefined>;
  /** Gives the lease back after a failed publication; a no-op when the caller no longer owns it. */
  release(event: LeasedEvent): Promise<void>;
  /**
   * Removes the marker and lease if the caller still owns the lease. True when the marker is gone
   * (cleared now, or already by another publisher); false when another owner holds the event, so
   * it will be published again (same eventId).
   */
  markPublished(event: LeasedEvent, publishedAt: Date): Promise<boolean>;
}

export interface OutboxRepositoryOptions {
  readonly documents: DynamoDBDocumentClient;
  readonly tableName: string;
  /** @default PUBLISH_LEASE_MS */
  readonly leaseMs?: number;
  /** Read at every claim. @default the system clock */
  readonly now?: () => Date;
}

export function createOutboxRepository(options: OutboxRepositoryOptions): OutboxRepository {
  const { documents, tableName } = options;
  const leaseMs = options.leaseMs ?? PUBLISH_LEASE_MS;
  const now = options.now ?? (() => new Date());
  const index = reservationsTableDesign.indexes.pendingEvents;
  const names = {
    '#outbox': index.partitionKey,
    '#lease': PUBLISH_LEASE_ATTRIBUTE,
    '#owner': PUBLISH_LEASE_OWNER_ATTRIBUTE,
  };

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
    async listPending({ receivedBefore, limit, cursor }) {
      const keys: PendingKey[] = [];
      let startKey: Record<string, unknown> | undefined = cursor ? { ...cursor } : undefined;
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
        for (const item of page.Items ?? []) {
          keys.push({
            pk: String(item.pk),
            sk: String(item.sk),
            receivedAt: String(item[index.sortKey]),
          });
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey && keys.length < limit);
      return startKey ? { keys, next: startKey } : { keys };
    },

    async claim(key) {
      const leaseOwner = randomUUID();
      const at = now().getTime();
      try {
        const { Attributes } = await documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: key.pk, sk: key.sk },
            UpdateExpression: 'SET #lease = :until, #owner = :owner',
            ConditionExpression:
              '#outbox = :pending AND (attribute_not_exists(#lease) OR #lease < :now)',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: {
              ':pending': PENDING_OUTBOX,
              ':now': at,
              ':until': at + leaseMs,
              ':owner': leaseOwner,
            },
            ReturnValues: 'ALL_NEW',
            // When DynamoDB's answer is lost the SDK sends this write again, and the resend fails
            // on the lease its first try took: the item then names this claim as the owner.
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return leasedEvent(key, leaseOwner, Attributes);
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        const old = error.Item ? unmarshall(error.Item) : undefined;
        const ours = old?.[PUBLISH_LEASE_OWNER_ATTRIBUTE] === leaseOwner;
        return ours && old?.[index.partitionKey] === PENDING_OUTBOX
          ? leasedEvent(key, leaseOwner, old)
          : undefined;
      }
    },

    async release({ key, leaseOwner }) {
      await conditionalUpdate(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: key.pk, sk: key.sk },
          UpdateExpression: 'REMOVE #lease, #owner',
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#lease': names['#lease'], '#owner': names['#owner'] },
          ExpressionAttributeValues: { ':owner': leaseOwner },
        }),
      );
    },

    async markPublished({ key, leaseOwner }, publishedAt) {
      try {
        await documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: key.pk, sk: key.sk },
            UpdateExpression: 'REMOVE #outbox, #lease, #owner SET #publishedAt = :publishedAt',
            ConditionExpression: 'attribute_exists(#outbox) AND #owner = :owner',
            ExpressionAttributeNames: { ...names, '#publishedAt': 'publishedAt' },
            ExpressionAttributeValues: {
              ':publishedAt': publishedAt.toISOString(),
              ':owner': leaseOwner,
            },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return true;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        // The item as it was: still marked means another owner holds it now.
        return error.Item?.[index.partitionKey] === undefined;
      }
    },
  };
}

/** The event of a claimed item, under the claim's owner token; undefined without a detail. */
function leasedEvent(
  key: OutboxKey,
  leaseOwner: string,
  item: Record<string, unknown> | undefined,
): PendingEvent | undefined {
  const detail = item?.detail as StatusChangedDetail | undefined;
  return detail ? { key: { pk: key.pk, sk: key.sk }, leaseOwner, detail } : undefined;
}
