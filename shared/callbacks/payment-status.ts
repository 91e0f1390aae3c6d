import { SESSION_STATUS_RANK } from '../reservations/reservation-status.ts';

/**
 * Payment statuses, with a rank that orders them for display and for telling session statuses
 * (rank 0) from payment ones. The reservation's status is what Front Payment's details say (see
 * `status-after.ts`), not the highest rank seen. Ranks leave gaps so a status Front Payment adds
 * later can slot in without renumbering.
 * - RESERVED: the card amount is held. CAPTURED: (part of) it is taken. CHARGED: the stored card
 *   is charged after the reservation, possibly more than once. REFUNDED: money went back.
 * - INVOICED and PAID come from Front Payment's order flow; INVOICED ranks between RESERVED and
 *   CAPTURED (a promise to pay, no money moved yet) and PAID above the money movements.
 * - COMPLETED, EXPIRED and CANCELLED end a reservation: nothing ranks above them.
 */
export const PAYMENT_STATUS_RANKS = {
  RESERVED: 10,
  INVOICED: 15,
  CAPTURED: 20,
  CHARGED: 30,
  REFUNDED: 35,
  PAID: 40,
  COMPLETED: 60,
  EXPIRED: 60,
  CANCELLED: 60,
} as const;

export type PaymentStatus = keyof typeof PAYMENT_STATUS_RANKS;
export const PAYMENT_STATUSES = Object.keys(PAYMENT_STATUS_RANKS) as readonly PaymentStatus[];

/** Spellings seen in Front Payment's documentation that mean a known status. */
const SPELLING_FIXES: Readonly<Record<string, PaymentStatus>> = {
  RESEVRED: 'RESERVED',
};

/** A callback status read the way we record it, next to what Front Payment actually sent. */
export interface NormalisedStatus {
  readonly status: PaymentStatus;
  readonly rank: number;
  readonly rawStatus: string;
}

/**
 * Reads a callback's `status` case-insensitively and fixes known misspellings. Returns undefined
 * for a status we do not know, which the caller rejects rather than guess.
 */
export function normalisePaymentStatus(rawStatus: string): NormalisedStatus | undefined {
  const upper = rawStatus.trim().toUpperCase();
  const status = SPELLING_FIXES[upper] ?? (isPaymentStatus(upper) ? upper : undefined);
  return status ? { status, rank: PAYMENT_STATUS_RANKS[status], rawStatus } : undefined;
}

export function isPaymentStatus(value: string): value is PaymentStatus {
  return Object.hasOwn(PAYMENT_STATUS_RANKS, value);
}

/** The rank of any reservation status: session statuses (and anything unknown) rank 0. */
export function rankOfStatus(status: string): number {
  return isPaymentStatus(status) ? PAYMENT_STATUS_RANKS[status] : SESSION_STATUS_RANK;
}

/** What a reservation's status becomes when a change arrives. */
export interface StatusTransition {
  readonly status: string;
  readonly statusRank: number;
  /** True when the change moved the status (a second capture of a captured one does not). */
  readonly advanced: boolean;
}

/** COMPLETED, EXPIRED and CANCELLED: nothing follows them. */
export function isFinalStatus(status: string): boolean {
  return status === 'COMPLETED' || status === 'EXPIRED' || status === 'CANCELLED';
}
