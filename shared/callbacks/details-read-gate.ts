import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { reservationKeys } from '../reservations/table-design.ts';

/**
 * Front Payment's rate limit (240 requests a minute seen) is shared with create-session and the
 * commands, so callbacks must not spend it. A delivery that is not new (a resend or a replay of a
 * callback already kept) reads a reservation's details at most once per this interval; the
 * sweeper's next run, a minute later, reads them for it. See docs/callbacks.md.
 */
export const DETAILS_READ_INTERVAL_MS = 60_000;

/** When a reservation's details were last read for a callback: on the reservation item. */
const DETAILS_READ_AT = 'detailsReadAt';
/** Which write took that read: a resend by the SDK finds its own id there (see `write`). */
const DETAILS_READ_BY = 'detailsReadBy';

export interface DetailsReadGate {
  /** Notes a read about to start for a new callback (always allowed). */
  stamp(reservationId: string, now: Date): Promise<void>;
  /** Takes the reservation's read for a repeat; false when one started within the interval. */
  tryTake(reservationId: string, now: Date): Promise<boolean>;
}

/** One conditional UpdateItem per read on the reservation item; its `version` is not touched. */
export function createDetailsReadGate(options: {
  readonly documents: DynamoDBDocumentClient;
  readonly tableName: string;
}): DetailsReadGate {
  const { documents, tableName } = options;

  async function write(reservationId: string, now: Date, condition: string): Promise<boolean> {
    const readBy = randomUUID();
    try {
      await documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: reservationKeys.reservation(reservationId),
          UpdateExpression: 'SET #readAt = :now, #readBy = :readBy',
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#readAt': DETAILS_READ_AT, '#readBy': DETAILS_READ_BY },
          ExpressionAttributeValues: {
            ':now': now.getTime(),
            ':readBy': readBy,
            ...(condition.includes(':cutoff')
              ? { ':cutoff': now.getTime() - DETAILS_READ_INTERVAL_MS }
              : {}),
          },
          // When DynamoDB's answer is lost the SDK sends this write again, and the resend fails
          // on what its first try wrote: the item then carries this write's id.
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return true;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return error.Item?.[DETAILS_READ_BY]?.S === readBy;
    }
  }

  return {
    async stamp(reservationId, now) {
      await write(reservationId, now, 'attribute_exists(pk)');
    },
    tryTake: (reservationId, now) =>
      write(
        reservationId,
        now,
        'attribute_exists(pk) AND (attribute_not_exists(#readAt) OR #readAt <= :cutoff)',
      ),
  };
}
