import type { FrontPaymentClient } from '#shared/front-payment/front-payment-client';
import type { ReservationHistoryEntry } from '#shared/front-payment/reservation-history';

/** What the customer did at the checkout, as Front Payment's history tells it. */
export interface CustomerActivity {
  /** The payment method of the reservation's payment: a card brand (e.g. `Visa`), never a number. */
  readonly card: string | null;
  /** When the customer's payments were declined, oldest first (a declined customer may retry). */
  readonly declinedAt: readonly string[];
}

/** Reads the customer activity of reservations created since a moment, by Front Payment uuid. */
export type CustomerActivityReader = (
  since: Date,
) => Promise<ReadonlyMap<string, CustomerActivity>>;

/** Front Payment's history lists a day by default; the console asks no further back. */
const LONGEST_WINDOW_MS = 24 * 3_600_000;
/** The console polls every second: Front Payment's history is read at most this often. */
const DEFAULT_FRESH_MS = 3_000;

/**
 * The customer's side from Front Payment's records, which ours do not keep: the card brand the
 * history gives for the payment (details name no card) and declined payments (a decline changes
 * no status of ours). Read from `GET reservations/history`, kept a few seconds; when Front Payment
 * cannot answer, the console shows no activity rather than failing.
 */
export function createCustomerActivityReader(
  frontPayment: Pick<FrontPaymentClient, 'getReservationHistory'>,
  options: { readonly freshMs?: number; readonly now?: () => Date } = {},
): CustomerActivityReader {
  const now = options.now ?? (() => new Date());
  const freshMs = options.freshMs ?? DEFAULT_FRESH_MS;
  let last:
    | {
        readonly at: number;
        readonly since: number;
        readonly read: Promise<Map<string, CustomerActivity>>;
      }
    | undefined;
  return (since) => {
    const at = now().getTime();
    const from = Math.max(since.getTime(), at - LONGEST_WINDOW_MS);
    if (last && at - last.at < freshMs && last.since <= from) return last.read;
    const read = frontPayment
      .getReservationHistory(new Date(from), new Date(at))
      .then(activityByReservation)
      .catch(() => new Map<string, CustomerActivity>());
    last = { at, since: from, read };
    return read;
  };
}

const DECLINED_TITLE = /declin/i;
const RESERVED_TITLE = /reserved/i;

function activityByReservation(
  entries: readonly ReservationHistoryEntry[],
): Map<string, CustomerActivity> {
  const activity = new Map<string, { card: string | null; declinedAt: string[] }>();
  for (const entry of entries) {
    const current = activity.get(entry.reservationUuid) ?? { card: null, declinedAt: [] };
    if (DECLINED_TITLE.test(entry.title)) {
      if (entry.at) current.declinedAt.push(entry.at);
    } else if (RESERVED_TITLE.test(entry.title) && entry.paymentMethod) {
      current.card = entry.paymentMethod;
    }
    activity.set(entry.reservationUuid, current);
  }
  return activity;
}

const NO_ACTIVITY: CustomerActivity = { card: null, declinedAt: [] };

/** Each reservation with `customer`: its activity at Front Payment (none before a session). */
export async function withCustomerActivity<
  R extends { readonly frontPaymentUuid: string | null; readonly createdAt: string },
>(
  reservations: readonly R[],
  read: CustomerActivityReader,
): Promise<(R & { readonly customer: CustomerActivity })[]> {
  const withSession = reservations.filter((reservation) => reservation.frontPaymentUuid);
  if (withSession.length === 0) {
    return reservations.map((reservation) => ({ ...reservation, customer: NO_ACTIVITY }));
  }
  const oldest = withSession.reduce((first, reservation) =>
    reservation.createdAt < first.createdAt ? reservation : first,
  );
  const activity = await read(new Date(oldest.createdAt));
  return reservations.map((reservation) => ({
    ...reservation,
    customer: activity.get(reservation.frontPaymentUuid ?? '') ?? NO_ACTIVITY,
  }));
}
