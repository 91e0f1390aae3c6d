import { isFinalStatus } from '#shared/callbacks/payment-status';
import {
  type PublishRecordedDependencies,
  publishRecorded,
} from '#shared/callbacks/publish-recorded';
import type { StatusChangeRepository } from '#shared/callbacks/status-change-repository';
import {
  type SettleDependencies,
  settleUnknownCommands,
} from '#shared/commands/settle-unknown-commands';
import type { CaptureDuePublisher } from '#shared/events/capture-due-event';
import type { ReservationDetails } from '#shared/front-payment/reservation-details';
import { watchesRefunds } from '#shared/reservations/refund-watch';
import { SESSION_STATUSES } from '#shared/reservations/reservation-status';
import type { StructuredLog } from '#shared/structured-log';
import { type DeadlineSettings, warnOfDeadlines } from './deadlines.ts';
import { attemptEndedAt, findSession } from './find-session.ts';
import { budgetedCall, type FrontPaymentReader } from './front-payment-calls.ts';
import type { OpenReservation, OpenReservations } from './open-reservations.ts';
import type { RunBudget } from './run-budget.ts';
import type { SessionOwners } from './session-owners.ts';

export interface ReconcileSettings extends DeadlineSettings {
  /** How long after a check an open reservation is checked again. */
  readonly recheckMs: number;
  /** How long an unknown outcome is looked for before it is settled as SESSION_FAILED. */
  readonly graceMs: number;
  /** A search that found nothing within the grace period is tried again this much later. */
  readonly searchRetryMs: number;
  /**
   * An unpaid link this long past its `paymentLinkDueDate` is EXPIRED even while Front Payment's
   * details still say SENT (the customer can no longer pay).
   */
  readonly linkExpiryGraceMs: number;
  /** How long a completed reservation with money left to refund is watched for refunds. */
  readonly refundWatchMs: number;
  /** How often it is checked while watched. */
  readonly refundRecheckMs: number;
}

export interface ReconcileDependencies extends PublishRecordedDependencies {
  readonly reservations: OpenReservations;
  readonly statusChanges: Pick<StatusChangeRepository, 'findReservationById' | 'recordChanges'>;
  /** Commands of unknown outcome are settled from the same details (docs/commands.md). */
  readonly commands: SettleDependencies['commands'];
  readonly frontPayment: FrontPaymentReader;
  /** Whose each Front Payment session is: the search for an unknown outcome skips others'. */
  readonly sessionOwners: SessionOwners;
  readonly publishCaptureDue: CaptureDuePublisher;
  readonly settings: ReconcileSettings;
  readonly log: StructuredLog;
}

export type ReservationOutcome =
  /** Checked; `events` status events and `warnings` deadline warnings came of it. */
  | {
      readonly kind: 'checked';
      readonly changed: boolean;
      readonly events: number;
      readonly warnings: number;
      /** Set while the outcome of its create is still unknown: since when (epoch ms). */
      readonly unresolvedSince?: number;
    }
  /** Not checked now (no budget, Front Payment unavailable): still due, for the next run. */
  | { readonly kind: 'not-reached' }
  | { readonly kind: 'failed'; readonly errorName: string }
  /** Left the index since the page was read. */
  | { readonly kind: 'gone' };

const TRANSIENT_ERRORS = new Set([
  'FrontPaymentUnavailableError',
  'FrontPaymentServerError',
  'FrontPaymentInterruptedError',
  'FrontPaymentTimeoutError',
]);

/** Brings one reservation of the open-reservations index up to date with Front Payment. */
export async function reconcileReservation(
  reservationId: string,
  dependencies: ReconcileDependencies,
  budget: RunBudget,
  now: Date,
): Promise<ReservationOutcome> {
  const reservation = await dependencies.reservations.get(reservationId);
  if (!reservation) return { kind: 'gone' };
  if (!reservation.openShard) {
    // Closed, but one of its commands is still unsettled (docs/commands.md): its details settle it.
    const uuid = reservation.frontPaymentUuid;
    if (!uuid || !(await hasUnsettledCommands(reservationId, dependencies)))
      return { kind: 'gone' };
    return checkOpenReservation(reservation, uuid, dependencies, budget, now);
  }
  const running =
    reservation.status === SESSION_STATUSES.creating &&
    (reservation.inProgressUntil ?? 0) > now.getTime();
  if (running) {
    // Its Lambda may still be at work: look again once its deadline passed.
    await dependencies.reservations.reschedule(
      reservationId,
      new Date(reservation.inProgressUntil ?? 0),
    );
    return { kind: 'checked', changed: false, events: 0, warnings: 0 };
  }
  if (reservation.frontPaymentUuid) {
    return checkOpenReservation(
      reservation,
      reservation.frontPaymentUuid,
      dependencies,
      budget,
      now,
    );
  }
  return settleUnknownOutcome(reservation, dependencies, budget, now);
}

/**
 * CREATING past its deadline, or SESSION_OUTCOME_UNKNOWN: found at Front Payment, it becomes
 * SESSION_CREATED (and whatever its details show is recorded at once); not found after the grace
 * period, SESSION_FAILED, so a retry of the merchant creates one new session.
 */
async function settleUnknownOutcome(
  reservation: OpenReservation,
  dependencies: ReconcileDependencies,
  budget: RunBudget,
  now: Date,
): Promise<ReservationOutcome> {
  const { reservations, settings, log } = dependencies;
  const { reservationId } = reservation;
  const search = await findSession(reservation, dependencies, budget, now);
  if (search.kind === 'incomplete') return notChecked(search.error);
  if (search.kind === 'found') {
    const uuid = search.details.reservationUuid;
    if (!(await reservations.settleFound(reservationId, uuid, now))) {
      return { kind: 'checked', changed: false, events: 0, warnings: 0 };
    }
    log.info('Unknown outcome settled: the session exists', {
      reservationId,
      reservationUuid: uuid,
    });
    const recorded = await recordDetails(reservationId, search.details, dependencies, budget, now);
    await reservations.reschedule(reservationId, new Date(now.getTime() + settings.recheckMs));
    return { kind: 'checked', changed: true, events: recorded, warnings: 0 };
  }
  const attemptEnded = attemptEndedAt(reservation);
  const unresolvedSince = Date.parse(reservation.createdAt);
  if (now.getTime() - attemptEnded < settings.graceMs) {
    await reservations.reschedule(reservationId, new Date(now.getTime() + settings.searchRetryMs));
    return { kind: 'checked', changed: false, events: 0, warnings: 0, unresolvedSince };
  }
  const settled = await reservations.settleNotFound(reservationId, {
    reason: 'not-found',
    message: `Front Payment shows no session for this reservation (${search.candidates} candidates in its window, all read)`,
    retryable: true,
    at: now.toISOString(),
  });
  if (settled) log.warn('Unknown outcome settled: no session exists', { reservationId });
  return { kind: 'checked', changed: settled, events: 0, warnings: 0 };
}

/**
 * A reservation with a session: reads its details and records (and publishes) every change not
 * recorded yet, through the callback's own path; an unpaid link well past its due date is
 * EXPIRED; deadline warnings are sent; then it is due again after `recheckMs` (or sooner).
 */
async function checkOpenReservation(
  reservation: OpenReservation,
  reservationUuid: string,
  dependencies: ReconcileDependencies,
  budget: RunBudget,
  now: Date,
): Promise<ReservationOutcome> {
  const { reservations, settings } = dependencies;
  const { reservationId } = reservation;
  const read = await budgetedCall(budget, (options) =>
    dependencies.frontPayment.getReservationDetails(reservationUuid, options),
  );
  if (read.kind === 'no-budget') return { kind: 'not-reached' };
  if (read.kind === 'failed' || read.value.reservationUuid !== reservationUuid) {
    const error = read.kind === 'failed' ? read.error : new Error('DetailsOfAnotherReservation');
    const outcome = notChecked(error);
    // A refusal (404, unreadable answer) will not pass by itself: not first in line every run.
    if (outcome.kind === 'failed' && !isTransient(error)) {
      await reservations.reschedule(reservationId, new Date(now.getTime() + settings.recheckMs));
    }
    return outcome;
  }
  const details = expiredLink(read.value, settings, now)
    ? { ...read.value, status: 'EXPIRED' }
    : read.value;
  const events = await recordDetails(reservationId, details, dependencies, budget, now);
  if (isFinalStatus(details.status.trim().toUpperCase())) {
    if (watchesRefunds(details)) {
      await reservations.watchRefunds(
        reservationId,
        now,
        new Date(now.getTime() + settings.refundRecheckMs),
        new Date(now.getTime() + settings.refundWatchMs),
      );
    }
    return { kind: 'checked', changed: events > 0, events, warnings: 0 };
  }
  const warnings = await warnOfDeadlines(reservation, details, dependencies, now);
  const next = Math.min(
    now.getTime() + settings.recheckMs,
    warnings.nextWarningAt ?? Number.POSITIVE_INFINITY,
    linkExpiryCheckAt(details, settings, now) ?? Number.POSITIVE_INFINITY,
  );
  await reservations.reschedule(reservationId, new Date(next));
  return {
    kind: 'checked',
    changed: events > 0 || warnings.sent.length > 0,
    events,
    warnings: warnings.sent.length,
  };
}

/** Records and publishes what `details` show that is new; the number of changes recorded. */
async function recordDetails(
  reservationId: string,
  details: ReservationDetails,
  dependencies: ReconcileDependencies,
  budget: RunBudget,
  now: Date,
): Promise<number> {
  const state = await dependencies.statusChanges.findReservationById(reservationId);
  if (!state) return 0;
  const recorded = await dependencies.statusChanges.recordChanges(
    state,
    details,
    now.toISOString(),
    undefined,
  );
  for (const record of recorded.records) {
    dependencies.log.info('Reconciler recorded a missed change', {
      reservationId,
      eventId: record.eventId,
      status: record.status,
      identity: record.identity,
      currentStatus: record.currentStatus,
    });
  }
  // What is not published in time stays in the outbox for the sweeper.
  await publishRecorded(recorded, { deadline: now.getTime() + budget.remainingMs }, dependencies);
  await settleUnknownCommands(
    reservationId,
    details,
    {
      commands: dependencies.commands,
      history: budgetedHistory(dependencies, budget),
      log: dependencies.log,
    },
    now,
  );
  return recorded.records.length;
}

/** A command's item is in the open index while unsettled: SENDING or OUTCOME_UNKNOWN. */
async function hasUnsettledCommands(
  reservationId: string,
  dependencies: ReconcileDependencies,
): Promise<boolean> {
  return (await dependencies.commands.list(reservationId)).some((command) => command.openShard);
}

/** Front Payment's history for settling commands, within the run's budget. */
function budgetedHistory(
  dependencies: ReconcileDependencies,
  budget: RunBudget,
): SettleDependencies['history'] {
  return async (start, end) => {
    const read = await budgetedCall(budget, (options) =>
      dependencies.frontPayment.getReservationHistory(start, end, options),
    );
    if (read.kind === 'ok') return read.value;
    throw read.kind === 'failed'
      ? read.error
      : new Error('No Front Payment calls left in this run');
  };
}

/** Unpaid, nothing reserved, and past its payment link's due date by the grace. */
function expiredLink(details: ReservationDetails, settings: ReconcileSettings, now: Date): boolean {
  const dueAt = linkExpiryCheckAt(details, settings, now);
  return dueAt !== undefined && dueAt <= now.getTime();
}

function linkExpiryCheckAt(
  details: ReservationDetails,
  settings: ReconcileSettings,
  _now: Date,
): number | undefined {
  const unpaid = !details.isPaid && details.reservedAmount === 0 && details.reservedAt === null;
  if (!unpaid || !details.paymentLinkDueDate) return undefined;
  if (isFinalStatus(details.status.trim().toUpperCase())) return undefined;
  return Date.parse(details.paymentLinkDueDate) + settings.linkExpiryGraceMs;
}

function isTransient(error: unknown): boolean {
  return error instanceof Error && TRANSIENT_ERRORS.has(error.name);
}

/** A Front Payment failure leaves the reservation due; no error means the budget ran out. */
function notChecked(error: unknown): ReservationOutcome {
  if (error === undefined) return { kind: 'not-reached' };
  return { kind: 'failed', errorName: error instanceof Error ? error.name : 'UnknownError' };
}
