import type { StatusChangedDetail } from '../events/status-changed-event.ts';
import type { PENDING_OUTBOX } from '../reservations/table-design.ts';
import type { CallbackFacts } from './status-change.ts';

/**
 * One status change of a reservation, kept as its history (`reservationKeys.statusChange`). It
 * carries the full event detail, so the event can be published again, identically, until
 * `outbox` is removed. Front Payment's uuid is stored as `orderUuid`, never as
 * `frontPaymentUuid`: that attribute is the key of the reservation lookup index.
 */
export interface StatusChangeRecord extends CallbackFacts {
  readonly pk: string;
  readonly sk: string;
  readonly itemType: 'STATUS_CHANGE';
  readonly eventId: string;
  readonly reservationId: string;
  /** The callback's `timestamp` (epoch seconds) of the first delivery we recorded. */
  readonly callbackTimestamp: string;
  readonly occurredAt: string;
  readonly receivedAt: string;
  readonly previousStatus: string;
  readonly currentStatus: string;
  /** False when the change arrived after a later status: recorded as history only. */
  readonly advanced: boolean;
  /** The reservation's version this change wrote. */
  readonly reservationVersion: number;
  readonly detail: StatusChangedDetail;
  /** Present while the event waits for EventBridge (sparse `pending-events` index). */
  readonly outbox?: typeof PENDING_OUTBOX;
  /** Epoch ms until which one publisher owns the pending event (see `outbox-repository.ts`). */
  readonly publishLeaseUntil?: number;
  /** The token of the publisher that owns that lease; only it may release it or clear `outbox`. */
  readonly publishLeaseOwner?: string;
  readonly publishedAt?: string;
}

/**
 * A callback whose `orderUuid` matches no reservation (`reservationKeys.unmatchedCallback`).
 * Kept for an operator for a while, then removed by TTL.
 */
export interface UnmatchedCallbackRecord extends CallbackFacts {
  readonly pk: string;
  readonly sk: string;
  readonly itemType: 'UNMATCHED_CALLBACK';
  /** The query exactly as received, so an operator can replay it once the reservation exists. */
  readonly rawQueryString: string;
  readonly firstReceivedAt: string;
  readonly lastReceivedAt: string;
  readonly deliveries: number;
  /** Epoch seconds; DynamoDB TTL removes the item after it. */
  readonly expiresAt: number;
}
