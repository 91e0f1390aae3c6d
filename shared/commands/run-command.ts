import { createHash, createHmac, randomUUID } from 'node:crypto';
import {
  type RecordFromDetailsDependencies,
  recordFromDetails,
} from '../callbacks/record-from-details.ts';
import type { ReservationState } from '../callbacks/status-change-repository.ts';
import { CommandOutcomeUnknownError, ReservationStateConflictError } from '../errors.ts';
import type { PublishOptions } from '../events/event-publisher.ts';
import type { FrontPaymentClient } from '../front-payment/front-payment-client.ts';
import { idempotencyConflicts } from '../http/idempotency-conflicts.ts';
import { canonicalJson } from '../reservations/request-fingerprint.ts';
import { sessionFailureOf } from '../reservations/session-failure.ts';
import type { CommandAnswer } from './command-answer.ts';
import { COMMAND_OUTCOME_UNKNOWN } from './command-log.ts';
import { COMMAND_STATES, type CommandRecord } from './command-record.ts';
import {
  AttemptSupersededError,
  type CommandRepository,
  ReferenceClaimedError,
} from './command-repository.ts';
import type { CommandRequest } from './command-request.ts';
import { markInterrupted } from './interrupted-command.ts';
import {
  findOwnedReservation,
  type OwnedReservation,
  type ReservationFinder,
} from './owned-reservation.ts';
import { planCommand } from './plan-command.ts';

// Still importable from here: the answer's type now lives with its schema.
export type { CommandAnswer } from './command-answer.ts';

export interface CommandDependencies extends Omit<RecordFromDetailsDependencies, 'details'> {
  readonly repository: RecordFromDetailsDependencies['repository'] & ReservationFinder;
  readonly commands: CommandRepository;
  readonly frontPayment: Pick<
    FrontPaymentClient,
    'sendCommand' | 'getReservationDetails' | 'getReservationHistory'
  >;
}

/** One command request: whose, with which key, and how long this Lambda may still run. */
export interface CommandAttempt {
  readonly reservationId: string;
  /** `callerDigestOf` the caller: it scopes the Idempotency-Key, it does not limit access. */
  readonly caller: string;
  readonly idempotencyKey: string;
  /** Epoch ms: a duplicate arriving before it is told to retry. */
  readonly deadline: number;
  readonly publishWindow: () => PublishOptions;
}

/**
 * Runs a command the way create runs: the command record first (the Idempotency-Key's record),
 * then Front Payment's details (the truth the state rules check, recorded as a callback would be),
 * then the one request to Front Payment, then its outcome. A request whose outcome is unknown is
 * never sent again; the details settle it. Every call is listed, with its reason, in
 * docs/commands.md (infra/docs/path-calls.ts; a test counts them on the wire).
 */
export async function runCommand(
  attempt: CommandAttempt,
  request: CommandRequest,
  dependencies: CommandDependencies,
): Promise<{ readonly answer: CommandAnswer; readonly replayed: boolean }> {
  const now = dependencies.now ?? (() => new Date());
  const reservation = await findOwnedReservation(attempt.reservationId, dependencies.repository);
  const requestedAt = now();
  const key = {
    reservationId: attempt.reservationId,
    commandId: commandIdOf(attempt),
    attemptId: randomUUID(),
  };
  const start = await dependencies.commands.start({
    ...key,
    command: request.command,
    // Keyed with the Idempotency-Key, which is not stored: the fingerprint of a resend cannot be
    // matched against guessed email addresses or phone numbers.
    requestHash: createHmac('sha256', attempt.idempotencyKey)
      .update(canonicalJson(request))
      .digest('hex'),
    requestedBy: attempt.caller,
    inProgressUntil: attempt.deadline,
    at: requestedAt,
  });
  if (start.kind !== 'started') {
    return { answer: answerOf(await earlierAttempt(start, dependencies)), replayed: true };
  }

  let recorded: ReservationState;
  let plan: ReturnType<typeof planCommand>;
  try {
    const read = await recordFromDetails(
      reservation,
      attempt.publishWindow(),
      readerOf(dependencies),
    );
    recorded = read.recorded.state;
    plan = planCommand(request, read.details);
  } catch (error) {
    await dependencies.commands.finish(key, refusal(error, now()), now()).catch((failure) => {
      // A retry with the same key took over while this attempt was slow: the answer is its.
      throw failure instanceof AttemptSupersededError ? idempotencyConflicts.inProgress() : failure;
    });
    throw error;
  }

  // From here on Front Payment may act: the record says so, with what the command moves.
  if (!(await dependencies.commands.markSent(key, plan, now()))) {
    throw idempotencyConflicts.inProgress();
  }
  let reference: string | null;
  try {
    ({ reference } = await dependencies.frontPayment.sendCommand(
      request.command,
      reservation.frontPaymentUuid,
      plan.body,
    ));
  } catch (error) {
    throw await recordFailedSend(key, plan.amount, error, dependencies, now());
  }
  dependencies.log.info('command accepted by Front Payment', {
    ...idsOf(key),
    command: request.command,
    reference,
  });
  const answer = await recordAccepted(
    { ...key, command: request.command, requestedAt },
    plan,
    reference,
    dependencies,
    now(),
  );
  if (READ_AFTER_THE_ANSWER.has(request.command)) {
    await learnAfterCommand(
      { ...recorded, frontPaymentUuid: reservation.frontPaymentUuid },
      attempt,
      dependencies,
    );
  }
  return { answer, replayed: false };
}

/**
 * The commands whose change is read right after the 202. Front Payment sends no callback after a
 * refund, cancel or complete, so without this read consumers would learn them only from the
 * reconciler. It does call back after a capture or charge, but a second one's callback looks like
 * the first one's, and the callback handler reads the details of a repeat at most once a minute:
 * this read brings the movement with the answer. A resend moves nothing.
 */
const READ_AFTER_THE_ANSWER: ReadonlySet<CommandRequest['command']> = new Set([
  'capture',
  'charge',
  'refund',
  'cancel',
  'complete',
]);

/**
 * Front Payment took the command: ACCEPTED, and a capture's or charge's own CAP…/CHA… claimed in
 * the same write, so no other command is ever settled with it. When that write fails, the money
 * moved but our record does not say so: the answer is an unknown outcome (never a retryable 500),
 * and the record, left SENDING with its amount, is settled once its deadline passed.
 */
async function recordAccepted(
  key: AttemptKey & Pick<CommandRecord, 'command'> & { readonly requestedAt: Date },
  plan: ReturnType<typeof planCommand>,
  reference: string | null,
  dependencies: CommandDependencies,
  at: Date,
): Promise<CommandAnswer> {
  const ownReference = key.command === 'capture' || key.command === 'charge';
  const settledReference = plan.reference ?? reference ?? undefined;
  const outcome = {
    state: COMMAND_STATES.accepted,
    amount: plan.amount,
    ...(settledReference ? { reference: settledReference } : {}),
  };
  try {
    await dependencies.commands.finish(
      key,
      { ...outcome, claim: ownReference && Boolean(reference) },
      at,
    );
    // The record as written: this attempt's start (which its attempt id still holds) and outcome.
    return {
      commandId: key.commandId,
      reservationId: key.reservationId,
      command: key.command,
      requestedAt: key.requestedAt.toISOString(),
      ...outcome,
    };
  } catch (error) {
    const reason = error instanceof ReferenceClaimedError ? 'reference-claimed' : 'unrecorded';
    dependencies.log.warn(COMMAND_OUTCOME_UNKNOWN, { ...idsOf(key), reason });
    await dependencies.commands
      .finish(
        key,
        {
          state: COMMAND_STATES.outcomeUnknown,
          amount: plan.amount,
          failure: {
            reason,
            message:
              reason === 'reference-claimed'
                ? 'Front Payment accepted the command, but its reference is claimed by another command'
                : 'Front Payment accepted the command, but recording that failed',
            retryable: false,
          },
        },
        at,
      )
      .catch(() => undefined);
    throw new CommandOutcomeUnknownError(
      'Front Payment accepted the command, but it could not be recorded',
      key.reservationId,
      'unrecorded',
      { cause: error },
    );
  }
}

/** The command record's key, and the attempt that holds it. */
type AttemptKey = Parameters<CommandRepository['finish']>[0];

/** What a log line names of an attempt: the reservation and the command. */
function idsOf({ reservationId, commandId }: AttemptKey) {
  return { reservationId, commandId };
}

/** The command record's id: the caller and its key, so two callers' keys never meet. */
function commandIdOf(attempt: CommandAttempt): string {
  return createHash('sha256')
    .update(attempt.caller)
    .update('\u0000')
    .update(attempt.idempotencyKey)
    .digest('hex')
    .slice(0, 32);
}

async function earlierAttempt(
  start: Exclude<Awaited<ReturnType<CommandRepository['start']>>, { kind: 'started' }>,
  dependencies: CommandDependencies,
): Promise<CommandRecord> {
  const { record } = start;
  switch (start.kind) {
    case 'accepted':
      return record;
    case 'other-request':
      throw idempotencyConflicts.otherRequest();
    case 'in-progress':
      throw idempotencyConflicts.inProgress();
    case 'outcome-unknown':
      if (record.state === COMMAND_STATES.sending) {
        // Its Lambda stopped after it sent: say so on the record, and alarm, like any unknown.
        await markInterrupted(record, dependencies, new Date());
      }
      throw new CommandOutcomeUnknownError(
        `An earlier attempt of this ${record.command} may have reached Front Payment`,
        record.reservationId,
        'earlier-attempt',
      );
  }
}

/** Why nothing was sent: a state rule, or the details could not be read. */
function refusal(error: unknown, at: Date): Parameters<CommandRepository['finish']>[1] {
  if (error instanceof ReservationStateConflictError) {
    return {
      state: COMMAND_STATES.refused,
      failure: { reason: error.rule, message: error.message, retryable: false },
    };
  }
  const described = sessionFailureOf(error, at);
  return {
    state: COMMAND_STATES.refused,
    failure: {
      reason: described ? `details-${described.failure.reason}` : 'details-failed',
      message: 'Front Payment’s details could not be read, so nothing was sent',
      retryable: true,
    },
  };
}

/**
 * Keeps the failure on the command record and returns the error to answer with: Front Payment's
 * refusal as it is, or, when it may have acted (timeout, 5xx, broken answer), an unknown outcome.
 */
async function recordFailedSend(
  key: AttemptKey,
  amount: number,
  error: unknown,
  dependencies: CommandDependencies,
  at: Date,
): Promise<unknown> {
  const described = sessionFailureOf(error, at);
  const known = described?.outcomeKnown ?? false;
  const reason = described?.failure.reason ?? 'unknown';
  dependencies.log.warn(known ? 'command refused by Front Payment' : COMMAND_OUTCOME_UNKNOWN, {
    ...idsOf(key),
    reason,
  });
  await dependencies.commands.finish(
    key,
    {
      state: known ? COMMAND_STATES.refused : COMMAND_STATES.outcomeUnknown,
      // Kept so that the details can settle an unknown outcome later (settle-unknown-commands).
      amount,
      failure: {
        reason,
        message: described?.failure.message ?? 'The request to Front Payment failed',
        retryable: described?.failure.retryable ?? false,
      },
    },
    at,
  );
  if (known) return error;
  return new CommandOutcomeUnknownError(
    'Front Payment may have carried out the command, but its answer was lost',
    key.reservationId,
    reason === 'timeout' ? 'timeout' : 'unanswered',
    { cause: error },
  );
}

/**
 * The details right after the 202, recorded against the reservation as the first read left it
 * (its version guards the write: should anyone have recorded since, the recording reads it
 * again). If they cannot be read, the reconciler brings them.
 */
async function learnAfterCommand(
  reservation: OwnedReservation,
  attempt: CommandAttempt,
  dependencies: CommandDependencies,
): Promise<void> {
  try {
    await recordFromDetails(reservation, attempt.publishWindow(), readerOf(dependencies));
  } catch (error) {
    dependencies.log.warn('details not read after the command; the reconciler will bring them', {
      reservationId: reservation.reservationId,
      errorName: error instanceof Error ? error.name : typeof error,
    });
  }
}

function readerOf(dependencies: CommandDependencies): RecordFromDetailsDependencies {
  return { ...dependencies, details: dependencies.frontPayment };
}

export function answerOf(record: CommandRecord): CommandAnswer {
  return {
    commandId: record.commandId,
    reservationId: record.reservationId,
    command: record.command,
    state: record.state,
    requestedAt: record.requestedAt,
    ...(record.amount === undefined ? {} : { amount: record.amount }),
    ...(record.reference === undefined ? {} : { reference: record.reference }),
    ...(record.failure === undefined ? {} : { failure: record.failure }),
  };
}
