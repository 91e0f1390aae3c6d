import { type HistoryMovement, movementsOf } from '../front-payment/history-movements.ts';
import type { ReservationDetails } from '../front-payment/reservation-details.ts';
import type { ReservationHistoryEntry } from '../front-payment/reservation-history.ts';
import type { StructuredLog } from '../structured-log.ts';
import { COMMAND_OUTCOME_AMBIGUOUS, COMMAND_OUTCOME_UNRESOLVED } from './command-log.ts';
import { COMMAND_STATES, type CommandRecord } from './command-record.ts';
import type { CommandRepository } from './command-repository.ts';
import { markInterrupted } from './interrupted-command.ts';
import {
  COMMAND_SETTLING,
  type Decision,
  decide,
  historyWindow,
  needsHistory,
  pastGrace,
} from './settling-rules.ts';

export interface SettleDependencies {
  readonly commands: Pick<
    CommandRepository,
    'list' | 'listClaims' | 'settle' | 'markUnknown' | 'reschedule' | 'stopWatching'
  >;
  /** Front Payment's history over a window: read only when an unknown outcome needs it. */
  readonly history: (start: Date, end: Date) => Promise<ReservationHistoryEntry[]>;
  readonly log: StructuredLog;
}

/**
 * Ends what can be ended of the reservation's unsettled commands, from Front Payment's details
 * (just read and recorded, before the commands are listed, so a command that sent a payment shown
 * in them is listed as sending at least) and, when needed, its history:
 * - an attempt whose Lambda stopped: never sent, REFUSED (the same key sends it); sent, unknown;
 * - an unknown outcome: ACCEPTED when the records show its effect and no other command could be
 *   it, REFUSED when they show nothing after the grace period, left unknown (and alarmed) when
 *   only a guess could tell. The rules are in `settling-rules.ts`.
 * What is left unknown is looked at again later (the reconciler finds it by its `nextCheckAt`).
 */
export async function settleUnknownCommands(
  reservationId: string,
  details: ReservationDetails,
  dependencies: SettleDependencies,
  at: Date,
): Promise<void> {
  const { commands } = dependencies;
  const records = await endAbandonedAttempts(await commands.list(reservationId), dependencies, at);
  const unknown = records
    .filter((record) => record.state === COMMAND_STATES.outcomeUnknown)
    .sort((left, right) => left.requestedAt.localeCompare(right.requestedAt));
  if (unknown.length === 0) return;
  const claimed = await commands.listClaims(reservationId);
  for (const record of records) {
    // Accepted before claims were written: their references are theirs all the same.
    if (record.state === COMMAND_STATES.accepted && record.reference) claimed.add(record.reference);
  }
  const history = await readHistory(unknown, details.reservationUuid, dependencies, at);
  for (const record of unknown) {
    const decision = decide(record, { details, records, claimed, history, at });
    if (decision.kind === 'accepted' && decision.reference) claimed.add(decision.reference);
    await apply(record, decision, dependencies, at);
  }
}

/** SENDING past its deadline: REFUSED when it never sent, OUTCOME_UNKNOWN when it may have. */
async function endAbandonedAttempts(
  records: CommandRecord[],
  dependencies: SettleDependencies,
  at: Date,
): Promise<CommandRecord[]> {
  const ended: CommandRecord[] = [];
  for (const record of records) {
    const abandoned =
      record.state === COMMAND_STATES.sending && (record.inProgressUntil ?? 0) < at.getTime();
    if (!abandoned) {
      ended.push(record);
    } else if (record.sentAt) {
      const marked = await markInterrupted(record, dependencies, at);
      ended.push(marked ? { ...record, state: COMMAND_STATES.outcomeUnknown } : record);
    } else {
      const failure = {
        reason: 'not-sent',
        message: 'The attempt stopped before it sent anything to Front Payment',
        retryable: true,
      };
      const settled = await dependencies.commands.settle(
        record,
        { state: COMMAND_STATES.refused, failure },
        at,
      );
      if (settled) {
        dependencies.log.info('command never sent: refused', {
          reservationId: record.reservationId,
          commandId: record.commandId,
        });
      }
      ended.push(settled ? { ...record, state: COMMAND_STATES.refused, failure } : record);
    }
  }
  return ended;
}

/** The reservation's movements over the commands' windows, once; undefined when not needed or failed. */
async function readHistory(
  unknown: readonly CommandRecord[],
  reservationUuid: string,
  dependencies: SettleDependencies,
  at: Date,
): Promise<HistoryMovement[] | undefined> {
  const needing = unknown.filter((record) => needsHistory(record, at));
  if (needing.length === 0) return undefined;
  const { start, end } = historyWindow(needing, at);
  try {
    return movementsOf(await dependencies.history(start, end), reservationUuid);
  } catch (error) {
    dependencies.log.warn('history not read: commands of unknown outcome wait', {
      reservationUuid,
      errorName: error instanceof Error ? error.name : typeof error,
    });
    return undefined;
  }
}

async function apply(
  record: CommandRecord,
  decision: Decision,
  { commands, log }: SettleDependencies,
  at: Date,
): Promise<void> {
  const ids = {
    reservationId: record.reservationId,
    commandId: record.commandId,
    command: record.command,
  };
  const later = new Date(at.getTime() + COMMAND_SETTLING.recheckMs);
  switch (decision.kind) {
    case 'accepted': {
      const settlement = decision.reference
        ? { state: COMMAND_STATES.accepted, reference: decision.reference, claim: decision.claim }
        : { state: COMMAND_STATES.accepted };
      if (await commands.settle(record, settlement, at)) {
        log.info('command of unknown outcome settled: done', {
          ...ids,
          reference: decision.reference,
        });
      }
      return;
    }
    case 'not-done': {
      const failure = {
        reason: 'not-found-after-grace',
        message:
          'Front Payment’s details and history show no effect of it after the grace period: nothing was done, and the same request may be sent again',
        retryable: true,
      };
      if (await commands.settle(record, { state: COMMAND_STATES.refused, failure }, at)) {
        log.info('command of unknown outcome settled: not done', ids);
      }
      return;
    }
    case 'wait':
      await commands.reschedule(record, later);
      return;
    case 'ambiguous': {
      const failure = { reason: 'ambiguous-match', message: decision.message, retryable: false };
      if (pastGrace(record, at)) {
        if (await commands.stopWatching(record, failure, at)) {
          log.warn(COMMAND_OUTCOME_UNRESOLVED, { ...ids, reason: failure.reason });
        }
        return;
      }
      const first = record.failure?.reason !== failure.reason;
      if ((await commands.reschedule(record, later, failure)) && first) {
        log.warn(COMMAND_OUTCOME_AMBIGUOUS, { ...ids, why: decision.message });
      }
      return;
    }
    case 'unverifiable': {
      const failure = {
        reason: 'unverifiable',
        message:
          'Front Payment’s records cannot show whether it was done; send it again with a new key if it is still needed',
        retryable: false,
      };
      if (await commands.stopWatching(record, failure, at)) {
        log.warn(COMMAND_OUTCOME_UNRESOLVED, { ...ids, reason: failure.reason });
      }
      return;
    }
  }
}
