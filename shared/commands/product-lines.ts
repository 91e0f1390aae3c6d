import { ReservationStateConflictError } from '../errors.ts';
import type { ReservationDetails } from '../front-payment/reservation-details.ts';
import { fromCents, toCents } from '../money.ts';

/** One product line of a capture or refund request to Front Payment. */
export interface ProductAmount {
  /** As Front Payment's details give it (a number in its examples). */
  readonly id: string | number;
  readonly amount: number;
}

/** What one product line can still take, in øre. */
export interface LineRoom {
  readonly id: string | number;
  readonly leftCents: number;
}

/**
 * What each line has left to capture: its reserved amount minus its captured amount, as the
 * details show them per line. Answers without per-line figures count the line's own amount as
 * reserved (once paid) and nothing as captured.
 */
export function captureRoom(details: ReservationDetails): LineRoom[] {
  return details.products.map((product) => ({
    id: product.id,
    leftCents: toCents(product.reserved ?? product.amount) - toCents(product.captured ?? 0),
  }));
}

/**
 * What each line can give back from captured money: what it has captured (the details show no
 * per-line refunded amount, so the source's total rule, `refund-exceeds-paid`, covers the rest).
 */
export function refundRoom(details: ReservationDetails): LineRoom[] {
  return details.products.map((product) => ({
    id: product.id,
    leftCents: toCents(product.captured ?? product.amount),
  }));
}

/** The requested lines, each checked against its room; summed per line first. */
export function checkLines(
  lines: readonly ProductAmount[],
  room: readonly LineRoom[],
  purpose: 'capture' | 'refund',
): ProductAmount[] {
  const asked = new Map<string, number>();
  for (const line of lines) {
    asked.set(String(line.id), (asked.get(String(line.id)) ?? 0) + toCents(line.amount));
  }
  for (const [id, cents] of asked) {
    const left = room.find((line) => String(line.id) === id)?.leftCents ?? 0;
    if (cents > left) {
      refuseLine(
        `Product line ${id} has ${fromCents(Math.max(0, left))} left to ${purpose}; ${fromCents(cents)} was asked`,
      );
    }
  }
  return [...lines];
}

/** An amount over the lines in order, each up to what it has left. */
export function spreadOver(
  amount: number,
  room: readonly LineRoom[],
  purpose: 'capture' | 'refund',
): ProductAmount[] {
  let left = toCents(amount);
  const lines: ProductAmount[] = [];
  for (const line of room) {
    const part = Math.max(0, Math.min(left, line.leftCents));
    if (part > 0) lines.push({ id: line.id, amount: fromCents(part) });
    left -= part;
  }
  if (left > 0) {
    const last = room.at(-1)?.id ?? 'none';
    refuseLine(
      `The product lines have ${fromCents(toCents(amount) - left)} left to ${purpose} (up to line ${last}); ${amount} was asked`,
    );
  }
  return lines;
}

function refuseLine(message: string): never {
  throw new ReservationStateConflictError('line-exceeds-remaining', message);
}
