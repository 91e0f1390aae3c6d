import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { CreatedSession } from '../front-payment/envelope.ts';
import { createdShardOf } from './created-index.ts';
import { checkTime, openShardOf } from './open-index.ts';
import type {
  ReservationAmounts,
  ReservationFailure,
  ReservationRecord,
} from './reservation-record.ts';
import { SESSION_STATUS_RANK, SESSION_STATUSES } from './reservation-status.ts';
import { reservationKeys } from './table-design.ts';

export interface NewReservation {
  readonly reservationId: string;
  readonly amounts: ReservationAmounts;
  readonly preferredPaymentMethod: 'visa' | 'mastercard';
  readonly referenceNo?: string;
  /** See `ReservationRecord.owner`. */
  readonly owner: string;
  /** See `ReservationRecord.requestHash`. */
  readonly requestHash: string;
  /** Epoch milliseconds until which this attempt may run (the Lambda's deadline). */
  readonly inProgressUntil: number;
  readonly at: Date;
}

/**
 * What `startCreating` found: a fresh start, or the record of an earlier attempt with the same id:
 * for other content (`other-request`), still running (`in-progress`), done (`already-created`), or
 * one whose outcome at Front Payment is unknown and must not be repeated (`outcome-unknown`).
 */
export type CreationStart =
  | { readonly kind: 'started' }
  | {
      readonly kind: 'already-created' | 'outcome-unknown' | 'in-progress' | 'other-request';
      readonly record: ReservationRecord;
    };

/** The reservation's life before Front Payment calls back. */
export interface ReservationRepository {
  startCreating(reservation: NewReservation): Promise<CreationStart>;
  recordSessionCreated(
    reservationId: string,
    session: CreatedSession,
    at: Date,
  ): Promise<ReservationRecord>;
  /** Ends an attempt without a session: `SESSION_FAILED`, or `SESSION_OUTCOME_UNKNOWN`. */
  recordSessionFailed(
    reservationId: string,
    failure: ReservationFailure,
    status?: typeof SESSION_STATUSES.sessionFailed | typeof SESSION_STATUSES.sessionOutcomeUnknown,
  ): Promise<void>;
  /**
   * Marks a `CREATING` record whose attempt is past its deadline (its Lambda was stopped) as
   * `SESSION_OUTCOME_UNKNOWN`; false when the record is no longer such a record.
   */
  recordAbandoned(reservationId: string, failure: ReservationFailure): Promise<boolean>;
  get(reservationId: string): Promise<ReservationRecord | undefined>;
}

export function createReservationRepository(
  documents: DynamoDBDocumentClient,
  tableName: string,
): ReservationRepository {
  const get = async (reservationId: string) => {
    const { Item } = await documents.send(
      new GetCommand({
        TableName: tableName,
        Key: reservationKeys.reservation(reservationId),
        ConsistentRead: true,
      }),
    );
    return Item as ReservationRecord | undefined;
  };

  return {
    get,

    async startCreating(reservation) {
      const at = reservation.at.toISOString();
      // One per call: the SDK's own resends of this write carry the same one.
      const attemptId = randomUUID();
      try {
        // Creates the item, or restarts one whose earlier attempt of the same request surely made
        // no session. A session that exists, or may exist, is left alone, so one request never
        // makes two; the item is the idempotency record of its key too.
        await documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: reservationKeys.reservation(reservation.reservationId),
            UpdateExpression:
              'SET reservationId = :id, #status = :creating, statusRank = :rank, amounts = :amounts, ' +
              'preferredPaymentMethod = :method, createdAt = if_not_exists(createdAt, :at), ' +
              'updatedAt = :at, version = if_not_exists(version, :zero) + :one, ' +
              'requestHash = :hash, inProgressUntil = :until, #owner = :owner, attemptId = :attempt, ' +
              // Open until final: the reconciler looks at it once this attempt's deadline passed.
              'openShard = :shard, nextCheckAt = :nextCheck, ' +
              // Listed by creation time (docs/lookups.md); the id fixes the shard, so a restart keeps it.
              'createdShard = :createdShard' +
              (reservation.referenceNo ? ', referenceNo = :referenceNo' : '') +
              ' REMOVE failure',
            ConditionExpression:
              'attribute_not_exists(pk) OR (#status = :failed AND requestHash = :hash)',
            ExpressionAttributeNames: { '#status': 'status', '#owner': 'owner' },
            ExpressionAttributeValues: {
              ':id': reservation.reservationId,
              ':owner': reservation.owner,
              ':creating': SESSION_STATUSES.creating,
              ':failed': SESSION_STATUSES.sessionFailed,
              ':rank': SESSION_STATUS_RANK,
              ':amounts': reservation.amounts,
              ':method': reservation.preferredPaymentMethod,
              ':at': at,
              ':zero': 0,
              ':one': 1,
              ':hash': reservation.requestHash,
              ':until': reservation.inProgressUntil,
              ':attempt': attemptId,
              ':shard': openShardOf(reservation.reservationId),
              ':nextCheck': checkTime(reservation.inProgressUntil),
              ':createdShard': createdShardOf(reservation.reservationId),
              ...(reservation.referenceNo ? { ':referenceNo': reservation.referenceNo } : {}),
            },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { kind: 'started' };
      } catch (error) {
        // The item that failed the condition comes with the error (strongly consistent, as the
        // write saw it), so a replay costs one request, and a resend of our own write knows it.
        if (error instanceof ConditionalCheckFailedException && error.Item) {
          return earlierAttempt(
            unmarshall(error.Item) as ReservationRecord,
            reservation,
            attemptId,
          );
        }
        throw error;
      }
    },

    async recordSessionCreated(reservationId, session, at) {
      try {
        return await markSessionCreated(reservationId, session, at);
      } catch (error) {
        // The SDK retries a write whose answer was lost: the retry then finds its own write done.
        if (error instanceof ConditionalCheckFailedException) {
          const record = await get(reservationId);
          if (record?.frontPaymentUuid === session.reservationUuid) return record;
        }
        throw error;
      }
    },

    async recordAbandoned(reservationId, failure) {
      try {
        await documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: reservationKeys.reservation(reservationId),
            UpdateExpression:
              'SET #status = :unknown, failure = :failure, updatedAt = :at, version = version + :one',
            ConditionExpression: '#status = :creating AND inProgressUntil < :now',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':unknown': SESSION_STATUSES.sessionOutcomeUnknown,
              ':creating': SESSION_STATUSES.creating,
              ':failure': failure,
              ':at': failure.at,
              ':now': Date.parse(failure.at),
              ':one': 1,
            },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },

    async recordSessionFailed(reservationId, failure, status = SESSION_STATUSES.sessionFailed) {
      // A known failure is final: out of the reconciler's index. An unknown one stays in it.
      const final = status === SESSION_STATUSES.sessionFailed;
      try {
        await documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: reservationKeys.reservation(reservationId),
            UpdateExpression:
              'SET #status = :failed, failure = :failure, updatedAt = :at, version = version + :one ' +
              // An unknown one is due for the reconciler at once.
              `${final ? '' : ', nextCheckAt = :at'} REMOVE inProgressUntil${final ? ', openShard, nextCheckAt' : ''}`,
            ConditionExpression: '#status = :creating',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':failed': status,
              ':creating': SESSION_STATUSES.creating,
              ':failure': failure,
              ':at': failure.at,
              ':one': 1,
            },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
      } catch (error) {
        // The SDK resent this write after losing its answer: the item already says so.
        if (error instanceof ConditionalCheckFailedException && error.Item) {
          const record = unmarshall(error.Item) as ReservationRecord;
          const ours =
            record.status === status &&
            record.updatedAt === failure.at &&
            record.failure?.reason === failure.reason;
          if (ours) return;
        }
        throw error;
      }
    },
  };

  async function markSessionCreated(
    reservationId: string,
    session: CreatedSession,
    at: Date,
  ): Promise<ReservationRecord> {
    const { Attributes } = await documents.send(
      new UpdateCommand({
        TableName: tableName,
        Key: reservationKeys.reservation(reservationId),
        UpdateExpression:
          'SET #status = :created, frontPaymentUuid = :uuid, customerUuid = :customer, ' +
          'paymentUrl = :url, updatedAt = :at, version = version + :one ' +
          'REMOVE inProgressUntil, failure',
        // Only the attempt that started it may finish it; a late answer also settles a record
        // that a retry marked abandoned (unknown) meanwhile.
        ConditionExpression: '#status IN (:creating, :unknown)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':created': SESSION_STATUSES.sessionCreated,
          ':creating': SESSION_STATUSES.creating,
          ':unknown': SESSION_STATUSES.sessionOutcomeUnknown,
          ':uuid': session.reservationUuid,
          ':customer': session.customerUuid,
          ':url': session.paymentUrl,
          ':at': at.toISOString(),
          ':one': 1,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return Attributes as ReservationRecord;
  }
}

/** Sorts the record an earlier attempt with the same reservation id left. */
function earlierAttempt(
  record: ReservationRecord,
  attempt: NewReservation,
  attemptId: string,
): CreationStart {
  // The SDK resent our own write after losing DynamoDB's answer to it: the first try holds it.
  if (record.attemptId === attemptId && record.status === SESSION_STATUSES.creating) {
    return { kind: 'started' };
  }
  if (record.requestHash !== attempt.requestHash) return { kind: 'other-request', record };
  if (record.frontPaymentUuid) return { kind: 'already-created', record };
  const running =
    record.status === SESSION_STATUSES.creating &&
    (record.inProgressUntil ?? 0) > attempt.at.getTime();
  // A CREATING record past its deadline: the attempt died, maybe after Front Payment acted.
  return { kind: running ? 'in-progress' : 'outcome-unknown', record };
}
