import type { ReservationDetails } from '#shared/front-payment/reservation-details';
import { budgetedCall, type CallResult, type FrontPaymentReader } from './front-payment-calls.ts';
import type { OpenReservation, OpenReservations } from './open-reservations.ts';
import type { RunBudget } from './run-budget.ts';
import type { SessionOwners } from './session-owners.ts';

/** The first history entry of every reservation: its payment link was sent. */
export const FIRST_EVENT_TITLE = 'payment-link-sent-to-customer';
/** Margin around the attempt's window: Front Payment's clock and ours differ, and minutes round. */
const WINDOW_MARGIN_MS = 5 * 60_000;
/**
 * At most this many details are read for one reservation in one run, so one busy window does not
 * take a whole run's budget from the other reservations; the search goes on next run.
 */
export const MAX_DETAILS_READS_PER_RUN = 50;

export interface SessionSearchDependencies {
  readonly frontPayment: FrontPaymentReader;
  readonly reservations: Pick<OpenReservations, 'addSearchedSessions'>;
  readonly sessionOwners: SessionOwners;
}

export type SessionSearch =
  /** Front Payment's reservation with our id as `customerReference`. */
  | { readonly kind: 'found'; readonly details: ReservationDetails }
  /** Every session of the window is known to be someone else's: none is ours. */
  | { readonly kind: 'not-found'; readonly candidates: number }
  /** Not every session of the window was read yet (budget, failure): go on in a later run. */
  | { readonly kind: 'incomplete'; readonly error?: unknown };

/**
 * Looks for the session an attempt with an unknown outcome may have created. Front Payment's
 * history names reservations only by its uuid, so: list the uuids whose first event falls in the
 * attempt's window, leave out those known to be someone else's (recorded on another reservation
 * of ours, or read before: the cursor on the record), then read the details of the rest, oldest
 * first, and match `customerReference`, which the create sent as our reservation id. The uuids
 * read are added to the cursor, so each is read once across runs however the window grows.
 */
export function findSession(
  reservation: OpenReservation,
  dependencies: SessionSearchDependencies,
  budget: RunBudget,
  now: Date,
): Promise<SessionSearch> {
  // One search at a time per container, so each skips what the one before it read.
  return dependencies.sessionOwners.inTurn(() =>
    searchWindow(reservation, dependencies, budget, now),
  );
}

async function searchWindow(
  reservation: OpenReservation,
  dependencies: SessionSearchDependencies,
  budget: RunBudget,
  now: Date,
): Promise<SessionSearch> {
  const { frontPayment, sessionOwners } = dependencies;
  const { reservationId } = reservation;
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
  ];
  const searched = reservation.searchedSessionUuids ?? new Set<string>();
  const unread = candidates.filter((uuid) => !searched.has(uuid));
  const owners = await sessionOwners.ownersOf(unread);
  const toRead = unread.filter((uuid) => {
    const owner = owners.get(uuid);
    return owner === undefined || owner === reservationId;
  });

  const readNow: string[] = [];
  const result = await readUntilFound(toRead, reservationId, dependencies, budget, readNow);
  if (result.kind !== 'found' && readNow.length > 0) {
    await dependencies.reservations.addSearchedSessions(reservationId, readNow);
  }
  if (result.kind === 'read-all') return { kind: 'not-found', candidates: candidates.length };
  return result;
}

/** Reads details one by one (within the run's budget) until one is ours; `readNow` gets the rest. */
async function readUntilFound(
  uuids: readonly string[],
  reservationId: string,
  dependencies: SessionSearchDependencies,
  budget: RunBudget,
  readNow: string[],
): Promise<SessionSearch | { readonly kind: 'read-all' }> {
  for (const uuid of uuids) {
    if (readNow.length >= MAX_DETAILS_READS_PER_RUN) return { kind: 'incomplete' };
    const details = await budgetedCall(budget, (options) =>
      dependencies.frontPayment.getReservationDetails(uuid, options),
    );
    if (details.kind !== 'ok') return incomplete(details);
    if (details.value.reservationUuid !== uuid) {
      return { kind: 'incomplete', error: new Error('DetailsOfAnotherReservation') };
    }
    dependencies.sessionOwners.remember(uuid, details.value.customerReference);
    if (details.value.customerReference === reservationId) {
      return { kind: 'found', details: details.value };
    }
    readNow.push(uuid);
  }
  return { kind: 'read-all' };
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
