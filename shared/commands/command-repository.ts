import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { readReservationPartition } from '../reservations/reservation-partition.ts';
import { reservationKeys } from '../reservations/table-design.ts';
import { COMMAND_STATES, type CommandRecord } from './command-record.ts';
import type { CommandName } from './command-request.ts';

export interface NewCommand {
  readonly reservationId: string;
  readonly commandId: string;
  readonly command: CommandName;
  readonly requestHash: string;
  readonly requestedBy: string;
  /** Epoch ms: the sending Lambda's deadline. */
  readonly inProgressUntil: number;
  readonly at: Date;
}

/**
 * What `start` found: a fresh start, or the record an earlier attempt with the same key left:
 * other content, still running, accepted (replay it), or of unknown outcome (never resend).
 */
export type CommandStart =
  | { readonly kind: 'started' }
  | {
      readonly kind: 'other-request' | 'in-progress' | 'accepted' | 'outcome-unknown';
      readonly record: CommandRecord;
    };

export interface CommandRepository {
  start(command: NewCommand): Promise<CommandStart>;
  /** Ends a `SENDING` command; returns the record as written. */
  finish(
    key: { readonly reservationId: string; readonly commandId: string },
    outcome: Pick<CommandRecord, 'state'> &
      Partial<Pick<CommandRecord, 'amount' | 'reference' | 'failure'>>,
    at: Date,
  ): Promise<CommandRecord>;
  get(reservationId: string, commandId: string): Promise<CommandRecord | undefined>;
  /** The reservation's commands (its own partition, read consistently). */
  list(reservationId: string): Promise<CommandRecord[]>;
  /**
   * Marks an `OUTCOME_UNKNOWN` command `ACCEPTED` once Front Payment's details show its effect;
   * false when it is no longer unknown (someone settled it first).
   */
  settle(record: CommandRecord, reference: string | undefined, at: Date): Promise<boolean>;
}

export function createCommandRepository(
  documents: DynamoDBDocumentClient,
  tableName: string,
): CommandRepository {
  return {
    async start(command) {
      const at = command.at.toISOString();
      try {
        // Creates the record, or restarts one that surely did nothing at Front Payment (refused)
        // for the same request. Anything that did, or may have, is never started again.
        await documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: reservationKeys.command(command.reservationId, command.commandId),
            UpdateExpression:
              'SET itemType = :type, commandId = :id, reservationId = :reservation, #command = :command, ' +
              'requestHash = :hash, requestedBy = :by, requestedAt = :at, #state = :sending, ' +
              'updatedAt = :at, inProgressUntil = :until REMOVE failure, #reference, amount',
            ConditionExpression:
              'attribute_not_exists(pk) OR (#state = :refused AND requestHash = :hash)',
            ExpressionAttributeNames: {
              '#state': 'state',
              '#command': 'command',
              '#reference': 'reference',
            },
            ExpressionAttributeValues: {
              ':type': 'COMMAND',
              ':id': command.commandId,
              ':reservation': command.reservationId,
              ':command': command.command,
              ':hash': command.requestHash,
              ':by': command.requestedBy,
              ':at': at,
              ':sending': COMMAND_STATES.sending,
              ':refused': COMMAND_STATES.refused,
              ':until': command.inProgressUntil,
            },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { kind: 'started' };
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException && error.Item) {
          return earlierAttempt(unmarshall(error.Item) as CommandRecord, command);
        }
        throw error;
      }
    },

    async finish({ reservationId, commandId }, outcome, at) {
      const values: Record<string, unknown> = {
        ':state': outcome.state,
        ':at': at.toISOString(),
        ':sending': COMMAND_STATES.sending,
      };
      const names: Record<string, string> = { '#state': 'state' };
      const sets = ['#state = :state', 'updatedAt = :at'];
      for (const field of ['amount', 'reference', 'failure'] as const) {
        if (outcome[field] === undefined) continue;
        // As names: `reference` is a DynamoDB reserved word.
        sets.push(`#${field} = :${field}`);
        names[`#${field}`] = field;
        values[`:${field}`] = outcome[field];
      }
      const { Attributes } = await documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: reservationKeys.command(reservationId, commandId),
          UpdateExpression: `SET ${sets.join(', ')} REMOVE inProgressUntil`,
          // Only the attempt that started it ends it (a late one after an abandoned mark too).
          ConditionExpression: '#state IN (:sending, :unknown)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ...values, ':unknown': COMMAND_STATES.outcomeUnknown },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes as CommandRecord;
    },

    async list(reservationId) {
      return (await readReservationPartition(
        documents,
        tableName,
        reservationId,
        'COMMAND#',
      )) as unknown as CommandRecord[];
    },

    async settle(record, reference, at) {
      try {
        await documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: reservationKeys.command(record.reservationId, record.commandId),
            UpdateExpression: `SET #state = :accepted, updatedAt = :at, settledAt = :at${reference ? ', #reference = :reference' : ''}`,
            ConditionExpression: '#state = :unknown',
            ExpressionAttributeNames: {
              '#state': 'state',
              ...(reference ? { '#reference': 'reference' } : {}),
            },
            ExpressionAttributeValues: {
              ':accepted': COMMAND_STATES.accepted,
              ':unknown': COMMAND_STATES.outcomeUnknown,
              ':at': at.toISOString(),
              ...(reference ? { ':reference': reference } : {}),
            },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },

    async get(reservationId, commandId) {
      const { Item } = await documents.send(
        new GetCommand({
          TableName: tableName,
          Key: reservationKeys.command(reservationId, commandId),
          ConsistentRead: true,
        }),
      );
      return Item as CommandRecord | undefined;
    },
  };
}

function earlierAttempt(record: CommandRecord, attempt: NewCommand): CommandStart {
  if (record.requestHash !== attempt.requestHash) return { kind: 'other-request', record };
  if (record.state === COMMAND_STATES.accepted) return { kind: 'accepted', record };
  const running =
    record.state === COMMAND_STATES.sending && (record.inProgressUntil ?? 0) > attempt.at.getTime();
  // SENDING past its deadline: the attempt died, maybe after Front Payment acted.
  return { kind: running ? 'in-progress' : 'outcome-unknown', record };
}
