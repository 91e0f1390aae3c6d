/**
 * The reservation item in DynamoDB. It keeps what the product needs to follow a payment and no
 * personal data: no name, email, phone, personal number or address (the README lists why each
 * stored field is there).
 */
export interface ReservationRecord {
  readonly pk: string;
  readonly sk: string;
  /** Ours: returned to the merchant and used in our events. */
  readonly reservationId: string;
  /** Front Payment's `reservationUuid` (RES…); callbacks send it as `orderUuid`. GSI key. */
  readonly frontPaymentUuid?: string;
  /** Front Payment's `customerUuid` (CSRT…). */
  readonly customerUuid?: string;
  readonly paymentUrl?: string;
  /** See `reservation-status.ts`. */
  readonly status: string;
  /** Orders statuses so that a late callback never moves the status backwards. */
  readonly statusRank: number;
  /** Incremented by every write after creation; writers use it for optimistic locking. */
  readonly version: number;
  readonly amounts: ReservationAmounts;
  /** The merchant's own order reference, when given (not personal data). */
  readonly referenceNo?: string;
  readonly preferredPaymentMethod: 'visa' | 'mastercard';
  readonly createdAt: string;
  /** `CREATED#0`…`CREATED#7`: the partition of the recent-reservations index (`created-index.ts`). */
  readonly createdShard?: string;
  readonly updatedAt: string;
  /**
   * The digest of the caller that created it (`callerDigestOf`), for the record only: the
   * reservation belongs to the merchant, and every authorized principal may read it or send it
   * commands. Reservations created before creators were recorded have none.
   */
  readonly owner?: string;
  readonly failure?: ReservationFailure;
  /**
   * With an `Idempotency-Key`: the sha256 of the validated, canonical request (see
   * `request-fingerprint.ts`). A retry with the same key must carry the same fingerprint.
   */
  readonly requestHash?: string;
  /**
   * While `CREATING`: until when (epoch milliseconds) the attempt's Lambda may still run. A
   * duplicate before then is told to retry; after it, the attempt died and its outcome is unknown.
   */
  readonly inProgressUntil?: number;
  /**
   * The attempt that wrote `CREATING` last (a random id per request): when the SDK resends that
   * write after losing DynamoDB's answer, the resend recognises the item as its own.
   */
  readonly attemptId?: string;
}

export interface ReservationAmounts {
  readonly subTotal: number;
  readonly totalTax: number;
  readonly grandTotal: number;
}

/** Kinds of a failed session creation (`not-found`: the reconciler found no session of ours). */
export const SESSION_FAILURE_REASONS = [
  'rejected',
  'unauthorized',
  'misconfigured',
  'unavailable',
  'timeout',
  'interrupted',
  'server-error',
  'protocol',
  'not-found',
] as const;

/** Why creating the session at Front Payment failed; never carries the token or personal data. */
export interface ReservationFailure {
  readonly reason: (typeof SESSION_FAILURE_REASONS)[number];
  readonly message: string;
  readonly retryable: boolean;
  readonly frontPaymentStatusCode?: number;
  readonly at: string;
}
