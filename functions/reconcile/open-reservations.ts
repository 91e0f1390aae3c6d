import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { checkTime } from '#shared/reservations/open-index';
import type {
  ReservationFailure,
  ReservationRecord,
} from '#shared/reservations/reservation-record';
import { SESSION_STATUSES } from '#shared/reservations/reservation-status';
import { reservationKeys, reservationsTableDesign } from '#shared/reservations/table-design';

/** The reservation item as the reconciler reads it: the record plus its index and markers. */
export type OpenReservation = ReservationRecord & {
  readonly openShard?: string;
  readonly nextCheckAt?: string;
  /**
   * The search's cursor while the create's outcome is unknown: the Front Payment uuids whose
   * details were read and were someone else's (see `find-session.ts`). Removed when settled.
   */
  readonly searchedSessionUuids?: ReadonlySet<string>;
} & Partial<Record<DeadlineMarker, string>>;

/** Attributes that say a deadline warning was sent (see `deadlines.ts`). */
export type DeadlineMarker = 'captureDueWarnedAt' | 'chargeDueWarnedAt';

/** One page of due reservation ids of one shard, and where the next page starts. */
export interface DuePage {
  readonly reservationIds: readonly string[];
  readonly next: Record<string, unknown> | undefined;
}

/** The reconciler's reads and writes of reservation items; every write is conditional. */
export interface OpenReservations {
  /** Reservations of `shard` due at `now` (oldest due first), one page. */
  duePage(
    shard: string,
    now: Date,
    limit: number,
    start: Record<string, unknown> | undefined,
  ): Promise<DuePage>;
  /** How long the oldest due reservation of `shard` has waited (0 when none is due). */
  overdueMs(shard: string, now: Date): Promise<number>;
  get(reservationId: string): Promise<OpenReservation | undefined>;
  /** Due again at `at`; false when it left the index meanwhile. */
  reschedule(reservationId: string, at: Date): Promise<boolean>;
  /**
   * A completed reservation with money left to refund: due again at `next` while its watch lasts
   * (set to `until` at the first call); out of the index once the watch has ended. False then.
   */
  watchRefunds(reservationId: string, now: Date, next: Date, until: Date): Promise<boolean>;
  /** The unknown outcome was a session: links it; false when another writer settled it first. */
  settleFound(reservationId: string, reservationUuid: string, at: Date): Promise<boolean>;
  /** Adds uuids read and found to be someone else's to the search's cursor (while unsettled). */
  addSearchedSessions(reservationId: string, uuids: readonly string[]): Promise<void>;
  /** No session was found after the grace period: SESSION_FAILED, out of the index. */
  settleNotFound(reservationId: string, failure: ReservationFailure): Promise<boolean>;
  /** Sets the marker once; false when it was set before. */
  markDeadlineWarned(reservationId: string, marker: DeadlineMarker, at: Date): Promise<boolean>;
  /** Removes a marker whose event could not be published, so the next run sends it. */
  clearDeadlineWarned(reservationId: string, marker: DeadlineMarker): Promise<void>;
}

export function createOpenReservations(
  documents: DynamoDBDocumentClient,
  tableName: string,
): OpenReservations {
  const index = reservationsTableDesign.indexes.openReservations;
  const dueQuery = (shard: string, now: Date, limit: number) => ({
    TableName: tableName,
    IndexName: index.name,
    KeyConditionExpression: '#shard = :shard AND #next <= :now',
    ExpressionAttributeNames: { '#shard': index.partitionKey, '#next': index.sortKey },
    ExpressionAttributeValues: { ':shard': shard, ':now': checkTime(now) },
    Limit: limit,
  });

  /**
   * An update that must find the item open (and `condition` true); false when it did not.
   * `isOwnWrite` recognises what this update writes: when DynamoDB's answer is lost the SDK sends
   * the update again, and the resend fails on the item its first try changed.
   */
  async function conditionalUpdate(
    reservationId: string,
    update: {
      UpdateExpression: string;
      ConditionExpression: string;
      ExpressionAttributeNames?: Record<string, string>;
      ExpressionAttributeValues?: Record<string, unknown>;
    },
    isOwnWrite?: (item: Record<string, unknown>) => boolean,
  ): Promise<boolean> {
    try {
      await documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: reservationKeys.reservation(reservationId),
          ...update,
          ...(isOwnWrite ? { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const } : {}),
        }),
      );
      return true;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return (
        isOwnWrite !== undefined && error.Item !== undefined && isOwnWrite(unmarshall(error.Item))
      );
    }
  }

  return {
    async duePage(shard, now, limit, start) {
      const { Items = [], LastEvaluatedKey } = await documents.send(
        new QueryCommand({
          ...dueQuery(shard, now, limit),
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      return {
        reservationIds: Items.map((item) => String(item.pk).replace(/^RESERVATION#/, '')),
        next: LastEvaluatedKey,
      };
    },

    async overdueMs(shard, now) {
      const { Items = [] } = await documents.send(new QueryCommand(dueQuery(shard, now, 1)));
      const first = Items[0]?.[index.sortKey];
      return typeof first === 'string' ? Math.max(0, now.getTime() - Date.parse(first)) : 0;
    },

    async get(reservationId) {
      const { Item } = await documents.send(
        new GetCommand({
          TableName: tableName,
          Key: reservationKeys.reservation(reservationId),
          ConsistentRead: true,
        }),
      );
      return Item as OpenReservation | undefined;
    },

    reschedule: (reservationId, at) =>
      conditionalUpdate(reservationId, {
        UpdateExpression: 'SET nextCheckAt = :next',
        ConditionExpression: 'attribute_exists(openShard)',
        ExpressionAttributeValues: { ':next': checkTime(at) },
      }),

    async watchRefunds(reservationId, now, next, until) {
      const { Attributes } = await documents
        .send(
          new UpdateCommand({
            TableName: tableName,
            Key: reservationKeys.reservation(reservationId),
            UpdateExpression:
              'SET nextCheckAt = :next, refundWatchUntil = if_not_exists(refundWatchUntil, :until)',
            ConditionExpression: 'attribute_exists(openShard)',
            ExpressionAttributeValues: { ':next': checkTime(next), ':until': until.toISOString() },
            ReturnValues: 'UPDATED_NEW',
          }),
        )
        .catch((error: unknown) => {
          if (error instanceof ConditionalCheckFailedException) return { Attributes: undefined };
          throw error;
        });
      if (!Attributes) return false;
      if (Date.parse(String(Attributes.refundWatchUntil)) > now.getTime()) return true;
      await conditionalUpdate(reservationId, {
        UpdateExpression: 'REMOVE openShard, nextCheckAt',
        ConditionExpression: 'attribute_exists(openShard)',
      });
      return false;
    },

    settleFound: (reservationId, reservationUuid, at) =>
      conditionalUpdate(
        reservationId,
        {
          UpdateExpression:
            'SET #status = :created, frontPaymentUuid = :uuid, updatedAt = :at, nextCheckAt = :at, ' +
            'version = version + :one, reconciledAt = :at ' +
            'REMOVE inProgressUntil, failure, searchedSessionUuids',
          // Only an attempt whose outcome is unknown (or whose Lambda is surely gone) is settled.
          ConditionExpression:
            'attribute_not_exists(frontPaymentUuid) AND (#status = :unknown OR ' +
            '(#status = :creating AND inProgressUntil < :now))',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':created': SESSION_STATUSES.sessionCreated,
            ':unknown': SESSION_STATUSES.sessionOutcomeUnknown,
            ':creating': SESSION_STATUSES.creating,
            ':uuid': reservationUuid,
            ':at': checkTime(at),
            ':now': at.getTime(),
            ':one': 1,
          },
        },
        (item) => item.frontPaymentUuid === reservationUuid && item.reconciledAt === checkTime(at),
      ),

    settleNotFound: (reservationId, failure) =>
      conditionalUpdate(
        reservationId,
        {
          UpdateExpression:
            'SET #status = :failed, failure = :failure, updatedAt = :at, version = version + :one ' +
            'REMOVE inProgressUntil, openShard, nextCheckAt, searchedSessionUuids',
          ConditionExpression:
            'attribute_not_exists(frontPaymentUuid) AND (#status = :unknown OR ' +
            '(#status = :creating AND inProgressUntil < :now))',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':failed': SESSION_STATUSES.sessionFailed,
            ':unknown': SESSION_STATUSES.sessionOutcomeUnknown,
            ':creating': SESSION_STATUSES.creating,
            ':failure': failure,
            ':at': failure.at,
            ':now': Date.parse(failure.at),
            ':one': 1,
          },
        },
        (item) =>
          item.status === SESSION_STATUSES.sessionFailed &&
          (item.failure as ReservationFailure | undefined)?.at === failure.at,
      ),

    async addSearchedSessions(reservationId, uuids) {
      // ADD to a string set: concurrent runs and repeats only ever grow it.
      await conditionalUpdate(reservationId, {
        UpdateExpression: 'ADD searchedSessionUuids :uuids',
        ConditionExpression:
          'attribute_exists(openShard) AND attribute_not_exists(frontPaymentUuid)',
        ExpressionAttributeValues: { ':uuids': new Set(uuids) },
      });
    },

    markDeadlineWarned: (reservationId, marker, at) =>
      conditionalUpdate(
        reservationId,
        {
          UpdateExpression: 'SET #marker = :at',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#marker)',
          ExpressionAttributeNames: { '#marker': marker },
          ExpressionAttributeValues: { ':at': at.toISOString() },
        },
        // The run's own time: a resend finds it; another run's marker (set before) does not.
        (item) => item[marker] === at.toISOString(),
      ),

    async clearDeadlineWarned(reservationId, marker) {
      await documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: reservationKeys.reservation(reservationId),
          UpdateExpression: 'REMOVE #marker',
          ExpressionAttributeNames: { '#marker': marker },
        }),
      );
    },
  };
}
