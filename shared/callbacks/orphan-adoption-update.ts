import { checkTime, openShardOf } from '../reservations/open-index.ts';
import { SESSION_STATUSES } from '../reservations/reservation-status.ts';
import { reservationKeys } from '../reservations/table-design.ts';

/**
 * The write that records an orphan session (see `orphan-session.ts`) on our reservation: only
 * one that has no session and whose create is surely over (its outcome unknown, failed, or its
 * Lambda past its deadline), so it never races a create still waiting for Front Payment's answer.
 * It becomes SESSION_CREATED and open again, due for the reconciler at once.
 */
export function orphanAdoptionUpdate(reservationId: string, reservationUuid: string, at: Date) {
  return {
    Key: reservationKeys.reservation(reservationId),
    UpdateExpression:
      'SET #status = :created, frontPaymentUuid = :uuid, updatedAt = :at, ' +
      'version = version + :one, adoptedAt = :at, openShard = :shard, nextCheckAt = :at ' +
      'REMOVE inProgressUntil, failure, searchedSessionUuids',
    ConditionExpression:
      'attribute_not_exists(frontPaymentUuid) AND (#status IN (:unknown, :failed) OR ' +
      '(#status = :creating AND inProgressUntil < :now))',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ':created': SESSION_STATUSES.sessionCreated,
      ':unknown': SESSION_STATUSES.sessionOutcomeUnknown,
      ':failed': SESSION_STATUSES.sessionFailed,
      ':creating': SESSION_STATUSES.creating,
      ':uuid': reservationUuid,
      ':at': checkTime(at),
      ':now': at.getTime(),
      ':shard': openShardOf(reservationId),
      ':one': 1,
    },
  } as const;
}

/**
 * True when `item` is what this adoption wrote: when DynamoDB's answer is lost the SDK sends the
 * update again, and the resend fails on the reservation its first try adopted.
 */
export function isOwnAdoption(
  item: Readonly<Record<string, unknown>>,
  reservationUuid: string,
  at: Date,
): boolean {
  return item.frontPaymentUuid === reservationUuid && item.adoptedAt === checkTime(at);
}
