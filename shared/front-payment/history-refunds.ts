import type { ReservationHistoryEntry } from './reservation-history.ts';

/** Where a refund took the money back from, as Front Payment's refund request names it. */
export type RefundSource = 'captured' | 'charged';

/**
 * One refund as Front Payment's history lists it. Front Payment gives a refund no id of its own:
 * what tells one apart is its source, its time (to the minute) and its amount, and, for refunds
 * alike in all three, their count (`occurrence`, 1 for the first in history order).
 */
export interface HistoryRefund {
  readonly source: RefundSource;
  readonly cents: number;
  /** ISO time of the history's `datetime` (minutes only, read as Oslo time). */
  readonly at: string;
  readonly occurrence: number;
  /** Stable across reads while the history lists the same refunds: `REFUNDED:captured:<at>:<cents>#<n>`. */
  readonly identity: string;
}

/** `refund-sent-from-captured`, `refund-sent-from-charged` (and `…-charge`, as the details spell it). */
const REFUND_TITLE = /^refund-sent-from-(captured|charged?)$/i;

/** Whether a history entry is a refund (whatever else it says). */
export function isRefundEntry(entry: Pick<ReservationHistoryEntry, 'title'>): boolean {
  return refundSourceOf(entry.title) !== null;
}

/** The source a refund entry's title names; null when the title is not a refund's. */
export function refundSourceOf(title: string): RefundSource | null {
  const match = REFUND_TITLE.exec(title.trim());
  if (!match) return null;
  return match[1]?.toLowerCase() === 'captured' ? 'captured' : 'charged';
}

/**
 * The refunds of one reservation in Front Payment's history, oldest first (the history's order).
 * An entry whose time or amount cannot be read (`31.02.2024 10:00`, no amount) is left out: it
 * cannot be told apart from another refund, so it is not recorded rather than guessed.
 */
export function refundsInHistory(
  entries: readonly ReservationHistoryEntry[],
  reservationUuid: string,
): HistoryRefund[] {
  const seen = new Map<string, number>();
  const refunds: HistoryRefund[] = [];
  for (const entry of entries) {
    const source = refundSourceOf(entry.title);
    if (source === null || entry.reservationUuid !== reservationUuid) continue;
    if (entry.at === null || entry.amountCents === null || entry.amountCents <= 0) continue;
    const key = `REFUNDED:${source}:${entry.at}:${entry.amountCents}`;
    const occurrence = (seen.get(key) ?? 0) + 1;
    seen.set(key, occurrence);
    refunds.push({
      source,
      cents: entry.amountCents,
      at: entry.at,
      occurrence,
      identity: `${key}#${occurrence}`,
    });
  }
  return refunds;
}
