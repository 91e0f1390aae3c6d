import type { PaymentEntry, ReservationDetails } from '../front-payment/reservation-details.ts';
import type { PaymentStatus } from './payment-status.ts';

/**
 * One change Front Payment's details show, identified the way Front Payment identifies it:
 * - a capture or charge by its `reference` (CAP…/CHA…); without one, by the cumulative total of
 *   its kind after it (`CAPTURED@800`), which only grows;
 * - a refund by the cumulative refunded total of its source after it (`REFUNDED:captured@200`):
 *   Front Payment gives refunds no id of their own;
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
 * derived here because they depend on what was recorded: the amount of a refund is the growth of
 * its source's cumulative total since the last refund recorded.
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
  for (const [source, total] of [
    ['captured', details.refundedFromCaptured],
    ['charged', details.refundedFromCharge],
  ] as const) {
    const before = lastRefundedTotal(recorded, source);
    if (total > before) {
      fresh.push({
        kind: 'REFUNDED',
        identity: refundIdentity(source, total),
        amount: roundCents(total - before),
        reference: null,
        occurredAt: null,
      });
    }
  }
  return [...fresh, ...end.filter((movement) => !recorded.has(movement.identity))];
}

function paymentMovements(kind: 'CAPTURED' | 'CHARGED', entries: readonly PaymentEntry[]) {
  let cumulative = 0;
  return entries.map((entry): Movement => {
    cumulative = roundCents(cumulative + entry.amount);
    return {
      kind,
      identity: entry.reference ? `${kind}:${entry.reference}` : `${kind}@${cumulative}`,
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

function refundIdentity(source: 'captured' | 'charged', total: number): string {
  return `REFUNDED:${source}@${total}`;
}

/** The largest cumulative refunded total of `source` among the recorded identities. */
function lastRefundedTotal(recorded: ReadonlySet<string>, source: 'captured' | 'charged'): number {
  const prefix = `REFUNDED:${source}@`;
  let last = 0;
  for (const identity of recorded) {
    if (identity.startsWith(prefix)) last = Math.max(last, Number(identity.slice(prefix.length)));
  }
  return last;
}

/** Amounts are in major units with at most two decimals; sums must not drift in binary floats. */
function roundCents(amount: number): number {
  return Math.round(amount * 100) / 100;
}
