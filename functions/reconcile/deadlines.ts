import {
  type CaptureDueDetail,
  type CaptureDuePublisher,
  captureDueEventId,
  type DeadlineKind,
} from '#shared/events/capture-due-event';
import type { ReservationDetails } from '#shared/front-payment/reservation-details';
import type { DeadlineMarker, OpenReservation, OpenReservations } from './open-reservations.ts';

/** How long a reservation may be captured and charged, and how early we warn. */
export interface DeadlineSettings {
  /** Front Payment documents 7–31 days depending on business rules. */
  readonly captureWindowMs: number;
  /** Used when the reservation has no `chargeValidity` of its own (Front Payment: 90 days). */
  readonly chargeValidityMs: number;
  readonly leadTimeMs: number;
}

const MARKERS: Record<DeadlineKind, DeadlineMarker> = {
  'capture-window': 'captureDueWarnedAt',
  'charge-validity': 'chargeDueWarnedAt',
};

/** The reservation's deadlines (epoch ms), from when it was reserved; none before that. */
export function deadlinesOf(
  details: ReservationDetails,
  settings: DeadlineSettings,
): { kind: DeadlineKind; dueAt: number }[] {
  if (!details.reservedAt) return [];
  const reservedAt = Date.parse(details.reservedAt);
  const deadlines: { kind: DeadlineKind; dueAt: number }[] = [];
  // Only while something is left to capture does the capture window matter.
  if (details.reservedAmount > details.capturedAmount) {
    deadlines.push({ kind: 'capture-window', dueAt: reservedAt + settings.captureWindowMs });
  }
  const validityMs =
    details.chargeValidityMinutes === null
      ? settings.chargeValidityMs
      : details.chargeValidityMinutes * 60_000;
  deadlines.push({ kind: 'charge-validity', dueAt: reservedAt + validityMs });
  return deadlines;
}

/**
 * Sends each deadline's warning once, when the deadline is within the lead time: a conditional
 * write of the marker first (so two runs never both send), then the event; an event EventBridge
 * did not take clears its marker so the next run sends it. Returns the warnings sent and the next
 * time a warning falls due (for the next check).
 */
export async function warnOfDeadlines(
  reservation: OpenReservation,
  details: ReservationDetails,
  dependencies: {
    readonly reservations: Pick<OpenReservations, 'markDeadlineWarned' | 'clearDeadlineWarned'>;
    readonly publishCaptureDue: CaptureDuePublisher;
    readonly settings: DeadlineSettings;
  },
  now: Date,
): Promise<{ sent: DeadlineKind[]; failed: number; nextWarningAt: number | undefined }> {
  const { settings, reservations } = dependencies;
  const sent: DeadlineKind[] = [];
  let failed = 0;
  let nextWarningAt: number | undefined;
  for (const { kind, dueAt } of deadlinesOf(details, settings)) {
    const marker = MARKERS[kind];
    if (reservation[marker]) continue;
    const warnAt = dueAt - settings.leadTimeMs;
    if (warnAt > now.getTime()) {
      nextWarningAt = Math.min(nextWarningAt ?? warnAt, warnAt);
      continue;
    }
    if (!(await reservations.markDeadlineWarned(reservation.reservationId, marker, now))) continue;
    const detail: CaptureDueDetail = {
      schemaVersion: 1,
      eventId: captureDueEventId(details.reservationUuid, kind),
      reservationId: reservation.reservationId,
      reservationUuid: details.reservationUuid,
      deadline: kind,
      dueAt: new Date(dueAt).toISOString(),
      reservedAt: details.reservedAt as string,
      reservedAmount: details.reservedAmount,
      capturedAmount: details.capturedAmount,
      chargedAmount: details.chargedAmount,
    };
    if (await dependencies.publishCaptureDue(detail)) {
      sent.push(kind);
    } else {
      failed += 1;
      await reservations.clearDeadlineWarned(reservation.reservationId, marker);
    }
  }
  return { sent, failed, nextWarningAt };
}
