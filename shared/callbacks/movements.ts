import type { RefundSource } from '../front-payment/history-refunds.ts';
import type { PaymentEntry, ReservationDetails } from '../front-payment/reservation-details.ts';
import { fromCents, toCents } from '../money.ts';
import type { PaymentStatus } from './payment-status.ts';

/**
 * One change Front Payment's details show, identified the way Front Payment identifies it:
 * - a capture or charge by its `reference` (CAP…/CHA…); without one, by the cumulative total of
 *   its kind after it (`CAPTURED@800`), which only grows;
 * - a refund by its entry in Front Payment's history, which gives refunds no id of their own:
 *   source, time, amount and count (`REFUNDED:captured:2024-01-21T03:00:00.000Z:10000#1`, see
 *   `history-refunds.ts`);
 * - reserved, completed, expired and cancelled by the status alone (each happens once).
 */
export interface Movement {
  readonly kind: PaymentStatus;
  /** Unique among the reservation's changes; with the reservation uuid it makes the change id. */
  readonly identity: string;
  /** The change's own amount (0 for completed, expired, cancelled). */
  readonly amount: number;
  /** Front Payment's CAP…/CHA… id, when the change has one. */
  readonly reference: string | null;
  /** When Front Payment says it happened (ISO); null when its details do not say. */
  readonly occurredAt: string | null;
}

/** Details statuses that end a reservation, each a change of its own. */
const FINAL_STATUSES: Readonly<Record<string, PaymentStatus>> = {
  COMPLETED: 'COMPLETED',
  EXPIRED: 'EXPIRED',
  CANCELLED: 'CANCELLED',
  CANCELED: 'CANCELLED',
};

/** Every change the details show, oldest kind first: reserved, captures, charges, refunds, end. */
export function movementsOf(details: ReservationDetails): Movement[] {
  const movements: Movement[] = [];
  if (details.reservedAmount > 0 || details.reservedAt !== null) {
    movements.push({
      kind: 'RESERVED',
      identity: 'RESERVED',
      amount: details.reservedAmount,
      reference: null,
      occurredAt: details.reservedAt,
    });
  }
  movements.push(...paymentMovements('CAPTURED', details.captures));
  movements.push(...paymentMovements('CHARGED', details.charges));
  return [...movements, ...finalStatus(details)];
}

/**
 * The changes in `details` not yet among `recorded` (identities recorded before). Refunds are
 * derived here because they depend on what was recorded (see `newRefunds`).
 */
export function newMovements(
  details: ReservationDetails,
  recorded: ReadonlySet<string>,
): Movement[] {
  const all = movementsOf(details);
  const end = all.filter((movement) => isFinal(movement.kind));
  const fresh = all.filter(
    (movement) => !isFinal(movement.kind) && !recorded.has(movement.identity),
  );
  for (const source of ['captured', 'charged'] as const) {
    fresh.push(...newRefunds(details, source, recorded));
  }
  return [...fresh, ...end.filter((movement) => !recorded.has(movement.identity))];
}

/**
 * One movement per refund the history lists (`details.refunds`) and the details' total of its
 * source covers, in history order; none while the history was not read. A refund the details
 * count but the history does not list yet is recorded by a later read, never folded into a sum.
 * Refunds recorded by an earlier version as a cumulative total (`REFUNDED:captured@250.5`) cover
 * the history's first refunds up to that total.
 */
function newRefunds(
  details: ReservationDetails,
  source: RefundSource,
  recorded: ReadonlySet<string>,
): Movement[] {
  if (details.refunds === null) return [];
  const total = toCents(
    source === 'captured' ? details.refundedFromCaptured : details.refundedFromCharge,
  );
  const coveredBefore = legacyRefundedCents(recorded, source);
  const movements: Movement[] = [];
  let cumulative = 0;
  for (const refund of details.refunds.filter((entry) => entry.source === source)) {
    cumulative += refund.cents;
    if (cumulative > total) break;
    if (cumulative <= coveredBefore || recorded.has(refund.identity)) continue;
    movements.push({
      kind: 'REFUNDED',
      identity: refund.identity,
      amount: fromCents(refund.cents),
      reference: null,
      occurredAt: refund.at,
    });
  }
  return movements;
}

function paymentMovements(kind: 'CAPTURED' | 'CHARGED', entries: readonly PaymentEntry[]) {
  let cumulative = 0;
  return entries.map((entry): Movement => {
    cumulative += toCents(entry.amount);
    return {
      kind,
      identity: entry.reference ? `${kind}:${entry.reference}` : `${kind}@${fromCents(cumulative)}`,
      amount: entry.amount,
      reference: entry.reference,
      occurredAt: entry.at,
    };
  });
}

function finalStatus(details: ReservationDetails): Movement[] {
  const kind = FINAL_STATUSES[details.status.trim().toUpperCase()];
  return kind ? [{ kind, identity: kind, amount: 0, reference: null, occurredAt: null }] : [];
}

function isFinal(kind: PaymentStatus): boolean {
  return kind === 'COMPLETED' || kind === 'EXPIRED' || kind === 'CANCELLED';
}

/** The largest cumulative total of `source` recorded the earlier way (`REFUNDED:captured@200`). */
function legacyRefundedCents(recorded: ReadonlySet<string>, source: RefundSource): number {
  const prefix = `REFUNDED:${source}@`;
  let last = 0;
  for (const identity of recorded) {
    if (identity.startsWith(prefix))
      last = Math.max(last, toCents(Number(identity.slice(prefix.length))));
  }
  return last;
}
