import {
  type HistoryMovement,
  type MovementKind,
  refundKindOf,
} from '../front-payment/history-movements.ts';
import type { ReservationDetails } from '../front-payment/reservation-details.ts';
import { COMMAND_STATES, type CommandRecord } from './command-record.ts';

const MINUTE = 60_000;

/** How commands of unknown outcome are settled (docs/commands.md, "Unknown outcomes"). */
export const COMMAND_SETTLING = {
  /**
   * How long after its attempt a command's effect may still appear in Front Payment's records
   * (a refund is processed later; details may lag). Only after it is "nothing found" an answer.
   */
  graceMs: 30 * MINUTE,
  /** Clocks differ and history times are whole minutes: windows are this much wider. */
  marginMs: 5 * MINUTE,
  /** A command still unknown is looked at again this much later. */
  recheckMs: 5 * MINUTE,
} as const;

/** What Front Payment's records say about one command of unknown outcome. */
export type Decision =
  /** It happened; `reference` (a CAP…/CHA…) is its own when `claim`. */
  | { readonly kind: 'accepted'; readonly reference?: string; readonly claim: boolean }
  /** Nothing happened, and the grace period is over. */
  | { readonly kind: 'not-done' }
  /** Not yet known: look again later. */
  | { readonly kind: 'wait' }
  /** Only a guess could settle it. */
  | { readonly kind: 'ambiguous'; readonly message: string }
  /** It leaves no trace to learn from (resend), and the grace period is over. */
  | { readonly kind: 'unverifiable' };

/** Everything a decision looks at, read once per settling pass. */
export interface SettlingView {
  readonly details: ReservationDetails;
  /** Every command of the reservation, abandoned attempts already marked. */
  readonly records: readonly CommandRecord[];
  /** CAP…/CHA… references some command holds. */
  readonly claimed: ReadonlySet<string>;
  /** The reservation's movements in Front Payment's history; undefined when not read. */
  readonly history: readonly HistoryMovement[] | undefined;
  readonly at: Date;
}

export function decide(record: CommandRecord, view: SettlingView): Decision {
  const status = view.details.status.trim().toUpperCase();
  switch (record.command) {
    case 'cancel':
      return status === 'CANCELLED' || status === 'CANCELED'
        ? accepted()
        : nothingYet(record, view);
    case 'complete':
      return status === 'COMPLETED' ? accepted() : nothingYet(record, view);
    case 'capture':
    case 'charge':
      return decidePayment(record, view);
    case 'refund':
      return decideRefund(record, view);
    case 'resend':
      return pastGrace(record, view.at) ? { kind: 'unverifiable' } : { kind: 'wait' };
  }
}

/** Whether settling `record` needs Front Payment's history. */
export function needsHistory(record: CommandRecord, at: Date): boolean {
  if (record.command === 'refund') return true;
  return (record.command === 'capture' || record.command === 'charge') && pastGrace(record, at);
}

/** The part of the history a settling pass for `records` reads (whole, bounded by the grace). */
export function historyWindow(
  records: readonly CommandRecord[],
  at: Date,
): { start: Date; end: Date } {
  const { graceMs, marginMs } = COMMAND_SETTLING;
  const start = Math.min(...records.map((record) => Date.parse(record.requestedAt))) - graceMs;
  const end = Math.max(...records.map((record) => attemptEnd(record))) + graceMs + marginMs;
  return { start: new Date(start - marginMs), end: new Date(Math.min(at.getTime(), end)) };
}

/**
 * A capture or charge: a CAP…/CHA… of the same amount that no command claims, made after the
 * command was requested, settles it when it is the only such payment and the command the only
 * one (unknown, or still sending) that could have made it. None after the grace period, and none
 * in the history either: it was not done.
 */
function decidePayment(record: CommandRecord, view: SettlingView): Decision {
  const cents = centsOf(record.amount);
  const payments = record.command === 'capture' ? view.details.captures : view.details.charges;
  const free = payments.filter(
    (payment) =>
      payment.reference !== null &&
      !view.claimed.has(payment.reference) &&
      centsOf(payment.amount) === cents,
  );
  const mine = free.filter((payment) => couldHaveMade(record, payment.at));
  const [payment] = mine;
  if (mine.length === 1 && payment?.reference) {
    const rivals = view.records.filter(
      (other) =>
        other.commandId !== record.commandId &&
        other.command === record.command &&
        centsOf(other.amount) === cents &&
        (isUnknown(other) || isSending(other, view.at)) &&
        couldHaveMade(other, payment.at),
    );
    if (rivals.length === 0) return { kind: 'accepted', reference: payment.reference, claim: true };
    // A command still sending may be about to record this payment as its own.
    if (rivals.some((rival) => isSending(rival, view.at))) return { kind: 'wait' };
    return {
      kind: 'ambiguous',
      message: `${rivals.length + 1} commands of unknown outcome could be Front Payment's ${record.command} ${payment.reference} of ${cents / 100}`,
    };
  }
  if (mine.length > 1) {
    return {
      kind: 'ambiguous',
      message: `${mine.length} ${record.command}s of ${cents / 100} that no command claims could be this one`,
    };
  }
  if (!pastGrace(record, view.at)) return { kind: 'wait' };
  if (!view.history) return { kind: 'wait' };
  const kind: MovementKind = record.command === 'capture' ? 'captured' : 'charged';
  const inHistory = view.history.filter(
    (movement) =>
      movement.kind === kind && movement.amountCents === cents && inWindow(record, movement.at),
  ).length;
  const inDetails = payments.filter(
    (each) => centsOf(each.amount) === cents && inWindow(record, each.at),
  ).length;
  if (inHistory > inDetails) {
    return {
      kind: 'ambiguous',
      message: `Front Payment's history shows a ${record.command} of ${cents / 100} its details do not`,
    };
  }
  return { kind: 'not-done' };
}

/**
 * A refund leaves no id of its own: the history's refund entries of the same source and amount
 * since the first of the refund commands that could have made them are counted against those
 * commands. As many entries as accepted and unknown commands together: the unknown ones happened;
 * no more than the accepted ones: they did not (after the grace period); anything between is a
 * guess.
 */
function decideRefund(record: CommandRecord, view: SettlingView): Decision {
  if (!view.history) return { kind: 'wait' };
  const source = sourceOf(record);
  const cents = centsOf(record.amount);
  const earliest = Date.parse(record.requestedAt) - COMMAND_SETTLING.graceMs;
  const group = view.records.filter(
    (other) =>
      other.command === 'refund' &&
      sourceOf(other) === source &&
      centsOf(other.amount) === cents &&
      Date.parse(other.requestedAt) >= earliest &&
      (other.state === COMMAND_STATES.accepted || isUnknown(other) || isSending(other, view.at)),
  );
  if (group.some((other) => isSending(other, view.at))) return { kind: 'wait' };
  const since =
    Math.min(...group.map((other) => Date.parse(other.requestedAt))) - COMMAND_SETTLING.marginMs;
  const entries = view.history.filter(
    (movement) =>
      movement.kind === refundKindOf(source) &&
      movement.amountCents === cents &&
      (movement.at === null || Date.parse(movement.at) >= since),
  ).length;
  const accepted = group.filter((other) => other.state === COMMAND_STATES.accepted).length;
  const unknown = group.filter(isUnknown).length;
  const extra = entries - accepted;
  if (extra === unknown) return { kind: 'accepted', claim: false };
  if (extra <= 0) return nothingYet(record, view);
  return {
    kind: 'ambiguous',
    message: `${entries} refunds of ${cents / 100} from ${source} in Front Payment's history for ${accepted} accepted and ${unknown} unknown refund commands`,
  };
}

function accepted(): Decision {
  return { kind: 'accepted', claim: false };
}

function nothingYet(record: CommandRecord, view: SettlingView): Decision {
  return pastGrace(record, view.at) ? { kind: 'not-done' } : { kind: 'wait' };
}

/** When the attempt may last have reached Front Payment (epoch ms). */
function attemptEnd(record: CommandRecord): number {
  return Date.parse(record.sentAt ?? record.requestedAt);
}

export function pastGrace(record: CommandRecord, at: Date): boolean {
  return at.getTime() - attemptEnd(record) >= COMMAND_SETTLING.graceMs;
}

/** A payment at `at` may be the command's: not made before the command was requested. */
function couldHaveMade(record: CommandRecord, at: string | null): boolean {
  return (
    at === null || Date.parse(at) >= Date.parse(record.requestedAt) - COMMAND_SETTLING.marginMs
  );
}

/** Within the command's own window: from its request to the end of its grace period. */
function inWindow(record: CommandRecord, at: string | null): boolean {
  if (at === null) return true;
  const time = Date.parse(at);
  const { graceMs, marginMs } = COMMAND_SETTLING;
  return (
    time >= Date.parse(record.requestedAt) - marginMs &&
    time <= attemptEnd(record) + graceMs + marginMs
  );
}

function isUnknown(record: CommandRecord): boolean {
  return record.state === COMMAND_STATES.outcomeUnknown;
}

/** Still sending, and may have sent: its Lambda may yet record the outcome. */
function isSending(record: CommandRecord, at: Date): boolean {
  return (
    record.state === COMMAND_STATES.sending &&
    record.sentAt !== undefined &&
    (record.inProgressUntil ?? 0) > at.getTime()
  );
}

/** A refund's source, from the payment it refunds (CHA…: charged). */
function sourceOf(record: CommandRecord): 'captured' | 'charged' {
  return record.reference?.startsWith('CHA') ? 'charged' : 'captured';
}

function centsOf(amount: number | undefined): number {
  return amount === undefined ? -1 : Math.round(amount * 100);
}
