import { randomUUID } from 'node:crypto';
import type { CancellationReason } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as v from 'valibot';
import { PUBLISH_LEASE_MS } from '../events/outbox-repository.ts';
import type { StatusChangedDetail } from '../events/status-changed-event.ts';
import {
  PENDING_OUTBOX,
  reservationKeys,
  reservationsTableDesign,
} from '../reservations/table-design.ts';
import {
  AmbiguousReservationError,
  MalformedReservationError,
  StatusChangeConflictError,
} from './callback-errors.ts';
import { applyTransition, type StatusTransition } from './payment-status.ts';
import type { CallbackFacts, IncomingStatusChange } from './status-change.ts';
import type { StatusChangeRecord, UnmatchedCallbackRecord } from './status-change-record.ts';

/** The part of a reservation item a status change reads. */
const ReservationStateSchema = v.looseObject({
  pk: v.string(),
  sk: v.string(),
  reservationId: v.string(),
  status: v.string(),
  statusRank: v.number(),
  version: v.number(),
});
export type ReservationState = v.InferOutput<typeof ReservationStateSchema>;

export type RecordOutcome =
  /** `leaseOwner`: the recorder holds the event's publish lease under this token. */
  | { readonly kind: 'recorded'; readonly record: StatusChangeRecord; readonly leaseOwner: string }
  /** The same change was recorded before; `record` is that first recording. */
  | { readonly kind: 'duplicate'; readonly record: StatusChangeRecord };

export interface StatusChangeRepository {
  /** The reservation Front Payment calls `orderUuid`, read consistently; undefined if unknown. */
  findReservation(frontPaymentUuid: string): Promise<ReservationState | undefined>;
  /** Records the change and moves the reservation's status forward, in one transaction. */
  recordStatusChange(
    reservation: ReservationState,
    change: IncomingStatusChange,
  ): Promise<RecordOutcome>;
  /** Keeps a callback for a reservation we do not know, for an operator; idempotent. */
  recordUnmatchedCallback(change: IncomingStatusChange, rawQueryString: string): Promise<void>;
}

export interface StatusChangeRepositoryOptions {
  readonly documents: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Tries when other writers win the optimistic lock. @default 10 */
  readonly maxAttempts?: number;
  /** How long unmatched callbacks are kept. @default 30 */
  readonly unmatchedRetentionDays?: number;
  readonly now?: () => Date;
}

export function createStatusChangeRepository(
  options: StatusChangeRepositoryOptions,
): StatusChangeRepository {
  const { documents, tableName } = options;
  const maxAttempts = options.maxAttempts ?? 10;
  const retentionSeconds = (options.unmatchedRetentionDays ?? 30) * 24 * 60 * 60;
  const now = options.now ?? (() => new Date());
  const index = reservationsTableDesign.indexes.byFrontPaymentUuid;

  async function readReservation(key: { pk: string; sk: string }) {
    const { Item } = await documents.send(
      new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const parsed = v.safeParse(ReservationStateSchema, Item);
    if (!parsed.success) {
      throw new MalformedReservationError(`Reservation item ${key.pk} lacks status fields`);
    }
    return parsed.output;
  }

  async function readChange(key: { pk: string; sk: string }) {
    const { Item } = await documents.send(
      new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }),
    );
    return Item as StatusChangeRecord | undefined;
  }

  return {
    async findReservation(frontPaymentUuid) {
      // The index is eventually consistent and KEYS_ONLY: it finds the key, a consistent read
      // then gives the current status and version.
      const { Items = [] } = await documents.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: index.name,
          KeyConditionExpression: '#uuid = :uuid',
          ExpressionAttributeNames: { '#uuid': index.partitionKey },
          ExpressionAttributeValues: { ':uuid': frontPaymentUuid },
          Limit: 2,
        }),
      );
      if (Items.length > 1) {
        throw new AmbiguousReservationError(
          `More than one reservation has Front Payment uuid ${frontPaymentUuid}`,
        );
      }
      const key = Items[0];
      if (!key) return undefined;
      return readReservation({ pk: String(key.pk), sk: String(key.sk) });
    },

    async recordStatusChange(reservation, change) {
      const changeKey = reservationKeys.statusChange(reservation.reservationId, change.changeId);
      let seen = reservation;
      const leaseOwner = randomUUID();
      for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
        const transition = applyTransition(seen, {
          status: change.status,
          rank: change.statusRank,
        });
        // The recorder owns the publish lease from the start: duplicates and the sweeper wait.
        const record = {
          ...statusChangeRecord(changeKey, seen, change, transition),
          publishLeaseUntil: now().getTime() + PUBLISH_LEASE_MS,
          publishLeaseOwner: leaseOwner,
        };
        try {
          await documents.send(
            new TransactWriteCommand({
              TransactItems: [
                {
                  Put: {
                    TableName: tableName,
                    Item: record,
                    // The change id is the key: a second delivery of the same change fails here.
                    ConditionExpression: 'attribute_not_exists(pk)',
                  },
                },
                {
                  Update: {
                    TableName: tableName,
                    Key: { pk: seen.pk, sk: seen.sk },
                    UpdateExpression:
                      'SET #status = :status, #rank = :rank, #version = #version + :one, #updatedAt = :now, #lastChangeAt = :receivedAt',
                    // Optimistic lock: the status we compared against is still the current one.
                    ConditionExpression: '#version = :seen',
                    ExpressionAttributeNames: {
                      '#status': 'status',
                      '#rank': 'statusRank',
                      '#version': 'version',
                      '#updatedAt': 'updatedAt',
                      '#lastChangeAt': 'lastChangeAt',
                    },
                    ExpressionAttributeValues: {
                      ':status': transition.status,
                      ':rank': transition.statusRank,
                      ':one': 1,
                      ':seen': seen.version,
                      ':now': now().toISOString(),
                      ':receivedAt': change.receivedAt,
                    },
                  },
                },
              ],
            }),
          );
          return { kind: 'recorded', record, leaseOwner };
        } catch (error) {
          const reasons = cancellationReasons(error);
          if (reasons?.[0]?.Code === 'ConditionalCheckFailed') {
            const existing = await readChange(changeKey);
            if (existing) return { kind: 'duplicate', record: existing };
          } else if (!isLockContention(error, reasons)) {
            throw error;
          }
        }
        await pause(attempt);
        const current = await readReservation({ pk: seen.pk, sk: seen.sk });
        if (!current) {
          throw new MalformedReservationError(`Reservation ${seen.reservationId} disappeared`);
        }
        seen = current;
      }
      throw new StatusChangeConflictError(
        `Could not record a change of reservation ${reservation.reservationId} after ${maxAttempts} tries`,
      );
    },

    async recordUnmatchedCallback(change, rawQueryString) {
      const receivedAt = new Date(change.receivedAt);
      const values: Omit<UnmatchedCallbackRecord, 'pk' | 'sk' | 'firstReceivedAt' | 'deliveries'> =
        {
          itemType: 'UNMATCHED_CALLBACK',
          ...callbackFactsOf(change),
          rawQueryString,
          lastReceivedAt: change.receivedAt,
          expiresAt: Math.floor(receivedAt.getTime() / 1000) + retentionSeconds,
        };
      const entries = Object.entries(values);
      await documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: reservationKeys.unmatchedCallback(change.orderUuid, change.changeId),
          UpdateExpression: `SET ${entries.map((_, i) => `#a${i} = :a${i}`).join(', ')}, #first = if_not_exists(#first, :first) ADD #deliveries :one`,
          ExpressionAttributeNames: {
            ...Object.fromEntries(entries.map(([name], i) => [`#a${i}`, name])),
            '#first': 'firstReceivedAt',
            '#deliveries': 'deliveries',
          },
          ExpressionAttributeValues: {
            ...Object.fromEntries(entries.map(([, value], i) => [`:a${i}`, value])),
            ':first': change.receivedAt,
            ':one': 1,
          },
        }),
      );
    },
  };
}

function statusChangeRecord(
  key: { pk: string; sk: string },
  reservation: ReservationState,
  change: IncomingStatusChange,
  transition: StatusTransition,
): StatusChangeRecord {
  const detail: StatusChangedDetail = {
    schemaVersion: 1,
    eventId: change.eventId,
    reservationId: reservation.reservationId,
    reservationUuid: change.orderUuid,
    status: change.status,
    previousStatus: reservation.status,
    currentStatus: transition.status,
    rawStatus: change.rawStatus,
    amount: change.amount,
    paymentMethod: change.paymentMethod,
    occurredAt: change.occurredAt,
    receivedAt: change.receivedAt,
  };
  return {
    ...key,
    itemType: 'STATUS_CHANGE',
    ...callbackFactsOf(change),
    eventId: change.eventId,
    reservationId: reservation.reservationId,
    callbackTimestamp: change.callbackTimestamp,
    occurredAt: change.occurredAt,
    receivedAt: change.receivedAt,
    previousStatus: reservation.status,
    currentStatus: transition.status,
    advanced: transition.advanced,
    reservationVersion: reservation.version + 1,
    detail,
    outbox: PENDING_OUTBOX,
  };
}

/** Only the callback's own fields: the items do not keep `statusRank` and the like. */
function callbackFactsOf(change: IncomingStatusChange): CallbackFacts {
  const { changeId, orderUuid, status, rawStatus, amount, paymentMethod, createdAt } = change;
  return { changeId, orderUuid, status, rawStatus, amount, paymentMethod, createdAt };
}

function cancellationReasons(error: unknown): readonly CancellationReason[] | undefined {
  if (error instanceof Error && error.name === 'TransactionCanceledException') {
    return (error as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? [];
  }
  return undefined;
}

/** Another writer changed the reservation first, or is in the middle of doing so. */
function isLockContention(error: unknown, reasons: readonly CancellationReason[] | undefined) {
  if (error instanceof Error && error.name === 'TransactionConflictException') return true;
  return (reasons ?? []).some(
    (reason) => reason.Code === 'ConditionalCheckFailed' || reason.Code === 'TransactionConflict',
  );
}

/** Short, jittered and growing, so writers that collided do not collide again in step. */
function pause(attempt: number): Promise<void> {
  const ms = Math.random() * 20 * Math.min(attempt, 5);
  return new Promise((resolve) => setTimeout(resolve, ms));
}
