import { refundSourceOf } from './history-refunds.ts';
import type { ReservationHistoryEntry } from './reservation-history.ts';

/**
 * The money movements of one reservation in Front Payment's history (`GET history/{start}/{end}`).
 * The history is the only place that lists refunds one by one (the details give only the sum per
 * source). Front Payment documents the refund titles; the capture and charge titles are the ones
 * its answers were seen with. An entry names no CAP…/CHA… and no refund id: a movement is known by
 * its reservation, kind, amount (cents) and minute.
 */
export type MovementKind =
  | 'captured'
  | 'charged'
  | 'refunded-from-captured'
  | 'refunded-from-charged';

export interface HistoryMovement {
  readonly kind: MovementKind;
  readonly amountCents: number;
  /** ISO time; history times are whole minutes of Oslo wall-clock time. */
  readonly at: string | null;
}

/** Capture and charge titles; refund titles are read as the refund itemisation reads them. */
export const PAYMENT_TITLES: Readonly<Record<string, MovementKind>> = {
  'amount-captured-from-reservation': 'captured',
  'amount-charged-from-card': 'charged',
};

function kindOf(title: string): MovementKind | undefined {
  const refundSource = refundSourceOf(title);
  return refundSource ? refundKindOf(refundSource) : PAYMENT_TITLES[title.trim().toLowerCase()];
}

/** `reservationUuid`'s movements in `entries`, oldest first; entries without an amount are left out. */
export function movementsOf(
  entries: readonly ReservationHistoryEntry[],
  reservationUuid: string,
): HistoryMovement[] {
  return entries
    .flatMap((entry) => {
      const kind = kindOf(entry.title);
      if (entry.reservationUuid !== reservationUuid || !kind || entry.amountCents === null)
        return [];
      return [{ kind, amountCents: entry.amountCents, at: entry.at }];
    })
    .sort((left, right) => (left.at ?? '').localeCompare(right.at ?? ''));
}

/** The refund kind of a refund taken from `source`. */
export function refundKindOf(source: 'captured' | 'charged'): MovementKind {
  return source === 'captured' ? 'refunded-from-captured' : 'refunded-from-charged';
}
