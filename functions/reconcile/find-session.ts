import type { ReservationDetails } from '#shared/front-payment/reservation-details';
import { budgetedCall, type CallResult, type FrontPaymentReader } from './front-payment-calls.ts';
import type { OpenReservation } from './open-reservations.ts';
import type { RunBudget } from './run-budget.ts';

/** The first history entry of every reservation: its payment link was sent. */
export const FIRST_EVENT_TITLE = 'payment-link-sent-to-customer';
/** Margin around the attempt's window: Front Payment's clock and ours differ, and minutes round. */
const WINDOW_MARGIN_MS = 5 * 60_000;
/** At most this many candidates' details are read for one reservation in one run. */
export const MAX_CANDIDATES_PER_RESERVATION = 20;

export type SessionSearch =
  /** Front Payment's reservation with our id as `customerReference`. */
  | { readonly kind: 'found'; readonly details: ReservationDetails }
  /** Every candidate was read: none is ours. */
  | { readonly kind: 'not-found'; readonly candidates: number }
  /** The search could not finish (budget, failure): try again in a later run. */
  | { readonly kind: 'incomplete'; readonly error?: unknown };

/**
 * Looks for the session an attempt with an unknown outcome may have created. Front Payment's
 * history names reservations only by its uuid, so: list the uuids whose first event falls in the
 * attempt's window, then read the details of each and match `customerReference`, which the create
 * sent as our reservation id.
 */
export async function findSession(
  reservation: OpenReservation,
  frontPayment: FrontPaymentReader,
  budget: RunBudget,
  now: Date,
): Promise<SessionSearch> {
  const { start, end } = attemptWindow(reservation, now);
  const history = await budgetedCall(budget, (options) =>
    frontPayment.getReservationHistory(start, end, options),
  );
  if (history.kind !== 'ok') return incomplete(history);
  const candidates = [
    ...new Set(
      history.value
        .filter((entry) => entry.title === FIRST_EVENT_TITLE)
        .map((entry) => entry.reservationUuid),
    ),
  ].slice(0, MAX_CANDIDATES_PER_RESERVATION);
  for (const uuid of candidates) {
    const details = await budgetedCall(budget, (options) =>
      frontPayment.getReservationDetails(uuid, options),
    );
    if (details.kind !== 'ok') return incomplete(details);
    if (details.value.customerReference === reservation.reservationId) {
      return { kind: 'found', details: details.value };
    }
  }
  return { kind: 'not-found', candidates: candidates.length };
}

/** When the last attempt ended: its deadline, or when it was marked unknown (epoch ms). */
export function attemptEndedAt(reservation: OpenReservation): number {
  return Math.max(
    Date.parse(reservation.createdAt),
    Date.parse(reservation.updatedAt),
    reservation.inProgressUntil ?? 0,
    reservation.failure ? Date.parse(reservation.failure.at) : 0,
  );
}

/**
 * From the reservation's first attempt to the end of its last, with margins: every session one of
 * its attempts may have made was created in it.
 */
export function attemptWindow(reservation: OpenReservation, now: Date): { start: Date; end: Date } {
  return {
    start: new Date(Date.parse(reservation.createdAt) - WINDOW_MARGIN_MS),
    end: new Date(Math.min(now.getTime(), attemptEndedAt(reservation) + WINDOW_MARGIN_MS)),
  };
}

function incomplete(result: CallResult<unknown>): SessionSearch {
  return result.kind === 'failed'
    ? { kind: 'incomplete', error: result.error }
    : { kind: 'incomplete' };
}
