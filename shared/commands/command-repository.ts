import {
  ConditionalCheckFailedException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { checkTime, openShardOf } from '../reservations/open-index.ts';
import { readReservationPartition } from '../reservations/reservation-partition.ts';
import { reservationKeys } from '../reservations/table-design.ts';
import { COMMAND_STATES, type CommandRecord, type CommandState } from './command-record.ts';
import type { CommandName } from './command-request.ts';

export interface NewCommand {
  readonly reservationId: string;
  readonly commandId: string;
  readonly command: CommandName;
  readonly requestHash: string;
  readonly requestedBy: string;
  /** This attempt's own id: only it may mark the record sent. */
  readonly attemptId: string;
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

type CommandKey = { readonly reservationId: string; readonly commandId: string };
type Failure = NonNullable<CommandRecord['failure']>;

/** How Front Payment's records settled a command of unknown outcome. */
export type Settlement =
  /** It happened; `claim` gives `reference` (a CAP…/CHA…) to this command alone. */
  | { readonly state: 'ACCEPTED'; readonly reference?: string; readonly claim?: boolean }
  /** Nothing happened: the same request may be sent again with the same key. */
  | { readonly state: 'REFUSED'; readonly failure: Failure };

/** The CAP…/CHA… was claimed by another command first: this one must not take it. */
export class ReferenceClaimedError extends Error {
  override readonly name = 'ReferenceClaimedError';
}

/**
 * The attempt no longer holds its command record: a later attempt with the same key took it
 * over, or the reconciler settled it. Its outcome is not this attempt's to write.
 */
export class AttemptSupersededError extends Error {
  override readonly name = 'AttemptSupersededError';
}

export interface CommandRepository {
  start(command: NewCommand): Promise<CommandStart>;
  /**
   * Marks the attempt as about to send (with what it moves), so a record left `SENDING` tells
   * whether Front Payment may have acted. False when the attempt no longer holds the record.
   */
  markSent(
    key: CommandKey & { readonly attemptId: string },
    sending: Pick<CommandRecord, 'amount' | 'reference'>,
    at: Date,
  ): Promise<boolean>;
  /**
   * Ends the attempt's `SENDING` (or meanwhile unknown) command with `outcome`: what the record
   * then says is this attempt's start and `outcome`, nothing else (a failure an unknown outcome
   * left is removed), so the caller knows it without reading it back. With `claim`, the reference
   * is claimed in the same transaction (`ReferenceClaimedError` when another command holds it);
   * `AttemptSupersededError` when the attempt no longer holds it.
   */
  finish(
    key: CommandKey & { readonly attemptId: string },
    outcome: Pick<CommandRecord, 'state'> &
      Partial<Pick<CommandRecord, 'amount' | 'reference' | 'failure'>> & {
        readonly claim?: boolean;
      },
    at: Date,
  ): Promise<void>;
  get(reservationId: string, commandId: string): Promise<CommandRecord | undefined>;
  /** The reservation's commands (its own partition, read consistently). */
  list(reservationId: string): Promise<CommandRecord[]>;
  /** The CAP…/CHA… references some command of the reservation claimed. */
  listClaims(reservationId: string): Promise<Set<string>>;
  /**
   * Settles an `OUTCOME_UNKNOWN` command (or a `SENDING` one whose Lambda stopped before it
   * sent); false when someone settled or sent it first, or the reference is claimed already.
   */
  settle(record: CommandRecord, settlement: Settlement, at: Date): Promise<boolean>;
  /**
   * A `SENDING` command past its deadline that may have been sent: `OUTCOME_UNKNOWN`, with the
   * amount it kept; false when it is no longer so.
   */
  markUnknown(record: CommandRecord, failure: Failure, at: Date): Promise<boolean>;
  /** Still unknown: due again at `next`, with `failure` saying why it is not settled yet. */
  reschedule(record: CommandRecord, next: Date, failure?: Failure): Promise<boolean>;
  /** Still unknown, and no longer watched: only an operator can settle it now. */
  stopWatching(record: CommandRecord, failure: Failure, at: Date): Promise<boolean>;
}

export function createCommandRepository(
  documents: DynamoDBDocumentClient,
  tableName: string,
): CommandRepository {
  /**
   * An update that must meet its condition; false when it did not, unless the item it met is
   * `written` (the item as this very update leaves it: the SDK resent it after losing its answer).
   */
  async function conditionalUpdate(
    update: ConstructorParameters<typeof UpdateCommand>[0],
    written?: (item: CommandRecord) => boolean,
  ) {
    try {
      await documents.send(
        new UpdateCommand(
          written ? { ...update, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } : update,
        ),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        return Boolean(written && error.Item && written(unmarshall(error.Item) as CommandRecord));
      }
      throw error;
    }
  }

  async function getCommand(reservationId: string, commandId: string) {
    const { Item } = await documents.send(
      new GetCommand({
        TableName: tableName,
        Key: reservationKeys.command(reservationId, commandId),
        ConsistentRead: true,
      }),
    );
    return Item as CommandRecord | undefined;
  }

  /** The update, and the claim of `reference` for the command in the same transaction. */
  async function withClaim(
    update: ConstructorParameters<typeof UpdateCommand>[0],
    key: CommandKey,
    reference: string,
    at: Date,
  ): Promise<'written' | 'claimed' | 'condition-failed'> {
    try {
      await documents.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: tableName,
                Item: {
                  ...reservationKeys.referenceClaim(key.reservationId, reference),
                  itemType: 'CLAIM',
                  reference,
                  commandId: key.commandId,
                  claimedAt: at.toISOString(),
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            { Update: update as never },
          ],
        }),
      );
      return 'written';
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const [claim, command] = error.CancellationReasons ?? [];
      if (claim?.Code === 'ConditionalCheckFailed') return 'claimed';
      if (command?.Code === 'ConditionalCheckFailed') return 'condition-failed';
      throw error;
    }
  }

  return {
    async start(command) {
      const at = command.at.toISOString();
      try {
        // Creates the record, or restarts one that surely did nothing at Front Payment: refused,
        // or left SENDING by a Lambda that stopped before it sent (no `sentAt`, deadline passed).
        // Anything that did, or may have, is never started again.
        await documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: reservationKeys.command(command.reservationId, command.commandId),
            UpdateExpression:
              'SET itemType = :type, commandId = :id, reservationId = :reservation, #command = :command, ' +
              'requestHash = :hash, requestedBy = :by, requestedAt = :at, #state = :sending, ' +
              'updatedAt = :at, inProgressUntil = :until, attemptId = :attempt, ' +
              'openShard = :shard, nextCheckAt = :due ' +
              'REMOVE failure, #reference, amount, sentAt, settledAt',
            ConditionExpression:
              'attribute_not_exists(pk) OR (requestHash = :hash AND (#state = :refused OR ' +
              '(#state = :sending AND attribute_not_exists(sentAt) AND inProgressUntil < :now)))',
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
              ':attempt': command.attemptId,
              ':now': command.at.getTime(),
              // Watched by the reconciler from its deadline on, should this attempt stop midway.
              ':shard': openShardOf(command.reservationId),
              ':due': checkTime(command.inProgressUntil),
            },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { kind: 'started' };
      } catch (error) {
        // The item as the write saw it: an earlier attempt's, or our own first try's.
        if (error instanceof ConditionalCheckFailedException && error.Item) {
          return earlierAttempt(unmarshall(error.Item) as CommandRecord, command);
        }
        throw error;
      }
    },

    markSent({ reservationId, commandId, attemptId }, sending, at) {
      return conditionalUpdate({
        TableName: tableName,
        Key: reservationKeys.command(reservationId, commandId),
        UpdateExpression: `SET sentAt = :at, updatedAt = :at, amount = :amount${
          sending.reference ? ', #reference = :reference' : ''
        }`,
        ConditionExpression: '#state = :sending AND attemptId = :attempt',
        ExpressionAttributeNames: {
          '#state': 'state',
          ...(sending.reference ? { '#reference': 'reference' } : {}),
        },
        ExpressionAttributeValues: {
          ':at': at.toISOString(),
          ':amount': sending.amount ?? 0,
          ':sending': COMMAND_STATES.sending,
          ':attempt': attemptId,
          ...(sending.reference ? { ':reference': sending.reference } : {}),
        },
      });
    },

    async finish(key, outcome, at) {
      const values: Record<string, unknown> = {
        ':state': outcome.state,
        ':at': at.toISOString(),
        ':sending': COMMAND_STATES.sending,
        ':unknown': COMMAND_STATES.outcomeUnknown,
        ':attempt': key.attemptId,
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
      const unknown = outcome.state === COMMAND_STATES.outcomeUnknown;
      if (unknown) {
        sets.push('nextCheckAt = :at');
        values[':at'] = at.toISOString();
      }
      const removes = [
        'inProgressUntil',
        // An unknown outcome stays watched (due now); a known one leaves the index.
        ...(unknown ? [] : ['openShard', 'nextCheckAt']),
        // Accepted after the reconciler marked it unknown: that guess is over.
        ...(outcome.failure === undefined ? ['failure'] : []),
      ];
      const update = {
        TableName: tableName,
        Key: reservationKeys.command(key.reservationId, key.commandId),
        UpdateExpression: `SET ${sets.join(', ')} REMOVE ${removes.join(', ')}`,
        // Only the attempt that holds it ends it (also after the reconciler marked it unknown):
        // a late attempt never overwrites what a retry with the same key did at Front Payment.
        ConditionExpression: 'attemptId = :attempt AND #state IN (:sending, :unknown)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      };
      if (outcome.claim && outcome.reference) {
        const written = await withClaim(update, key, outcome.reference, at);
        if (written === 'claimed') {
          throw new ReferenceClaimedError(
            `Front Payment's ${outcome.reference} is claimed by another command`,
          );
        }
        if (written === 'condition-failed') throw superseded();
        return;
      }
      const finished = (item: CommandRecord) => finishedBy(item, key.attemptId, outcome.state, at);
      if (!(await conditionalUpdate(update, finished))) throw superseded();
    },

    async list(reservationId) {
      return (await readReservationPartition(
        documents,
        tableName,
        reservationId,
        'COMMAND#',
      )) as unknown as CommandRecord[];
    },

    async listClaims(reservationId) {
      const claims = await readReservationPartition(documents, tableName, reservationId, 'CLAIM#');
      return new Set(claims.map((claim) => String(claim.reference)));
    },

    async settle(record, settlement, at) {
      const accepted = settlement.state === COMMAND_STATES.accepted;
      const reference = accepted ? settlement.reference : undefined;
      const update = {
        TableName: tableName,
        Key: reservationKeys.command(record.reservationId, record.commandId),
        UpdateExpression:
          `SET #state = :state, updatedAt = :at, settledAt = :at` +
          (reference ? ', #reference = :reference' : '') +
          (accepted ? '' : ', failure = :failure') +
          ` REMOVE inProgressUntil, openShard, nextCheckAt${accepted ? ', failure' : ''}`,
        // Unknown, or SENDING with its Lambda gone before it sent (a late finish of that Lambda
        // then fails). Checked here, not only where it was read: a late attempt may mark the
        // record sent between the reconciler's read and this write, and then it may have acted.
        ConditionExpression:
          '#state = :unknown OR ' +
          '(#state = :sending AND inProgressUntil < :now AND attribute_not_exists(sentAt))',
        ExpressionAttributeNames: {
          '#state': 'state',
          ...(reference ? { '#reference': 'reference' } : {}),
        },
        ExpressionAttributeValues: {
          ':state': settlement.state,
          ':unknown': COMMAND_STATES.outcomeUnknown,
          ':sending': COMMAND_STATES.sending,
          ':now': at.getTime(),
          ':at': at.toISOString(),
          ...(reference ? { ':reference': reference } : {}),
          ...(accepted ? {} : { ':failure': settlement.failure }),
        },
      };
      if (accepted && settlement.claim && reference) {
        return (await withClaim(update, record, reference, at)) === 'written';
      }
      return conditionalUpdate(update);
    },

    markUnknown(record, failure, at) {
      return conditionalUpdate(
        {
          TableName: tableName,
          Key: reservationKeys.command(record.reservationId, record.commandId),
          UpdateExpression:
            'SET #state = :unknown, failure = :failure, updatedAt = :at, nextCheckAt = :at ' +
            'REMOVE inProgressUntil',
          ConditionExpression:
            '#state = :sending AND inProgressUntil < :now AND attribute_exists(sentAt)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':unknown': COMMAND_STATES.outcomeUnknown,
            ':sending': COMMAND_STATES.sending,
            ':failure': failure,
            ':at': at.toISOString(),
            ':now': at.getTime(),
          },
        },
        (item) => markedUnknown(item, failure, at),
      );
    },

    reschedule(record, next, failure) {
      return conditionalUpdate({
        TableName: tableName,
        Key: reservationKeys.command(record.reservationId, record.commandId),
        UpdateExpression: `SET nextCheckAt = :next${failure ? ', failure = :failure' : ''}`,
        ConditionExpression: '#state = :unknown AND attribute_exists(openShard)',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':next': checkTime(next),
          ':unknown': COMMAND_STATES.outcomeUnknown,
          ...(failure ? { ':failure': failure } : {}),
        },
      });
    },

    stopWatching(record, failure, at) {
      return conditionalUpdate(
        {
          TableName: tableName,
          Key: reservationKeys.command(record.reservationId, record.commandId),
          UpdateExpression: 'SET failure = :failure, updatedAt = :at REMOVE openShard, nextCheckAt',
          ConditionExpression: '#state = :unknown AND attribute_exists(openShard)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':unknown': COMMAND_STATES.outcomeUnknown,
            ':failure': failure,
            ':at': at.toISOString(),
          },
        },
        (item) => item.openShard === undefined && markedUnknown(item, failure, at),
      );
    },

    get: getCommand,
  };
}

function superseded(): AttemptSupersededError {
  return new AttemptSupersededError('A later attempt or the reconciler holds the command record');
}

/** Unknown, with `failure` written at `at`: the mark one write of the reconciler leaves. */
function markedUnknown(item: CommandRecord, failure: Failure, at: Date) {
  return (
    item.state === COMMAND_STATES.outcomeUnknown &&
    item.updatedAt === at.toISOString() &&
    item.failure?.reason === failure.reason &&
    item.failure.message === failure.message
  );
}

/**
 * The item as `finish` of this attempt left it: its state and its `updatedAt`, and no settling by
 * the reconciler (which never changes the attempt id, but stamps `settledAt`).
 */
function finishedBy(item: CommandRecord, attemptId: string, state: CommandState, at: Date) {
  return (
    item.attemptId === attemptId &&
    item.state === state &&
    item.updatedAt === at.toISOString() &&
    item.settledAt === undefined
  );
}

function earlierAttempt(record: CommandRecord, attempt: NewCommand): CommandStart {
  // The SDK resent our own write after losing DynamoDB's answer to it: the first try holds it.
  if (record.attemptId === attempt.attemptId && record.state === COMMAND_STATES.sending) {
    return { kind: 'started' };
  }
  if (record.requestHash !== attempt.requestHash) return { kind: 'other-request', record };
  if (record.state === COMMAND_STATES.accepted) return { kind: 'accepted', record };
  const running =
    record.state === COMMAND_STATES.sending && (record.inProgressUntil ?? 0) > attempt.at.getTime();
  // SENDING past its deadline and sent: the attempt died, maybe after Front Payment acted.
  return { kind: running ? 'in-progress' : 'outcome-unknown', record };
}
