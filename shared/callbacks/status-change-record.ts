import type { StatusChangedDetail } from '../events/status-changed-event.ts';
import type { PENDING_OUTBOX } from '../reservations/table-design.ts';
import type { PaymentStatus } from './payment-status.ts';

/**
 * One change of a reservation, kept as its history (`reservationKeys.statusChange`). It carries
 * the full event detail, so the event can be published again, identically, until `outbox` is
 * removed. Front Payment's uuid is stored as `reservationUuid`, never as `frontPaymentUuid`: that
 * attribute is the key of the reservation lookup index.
 */
export interface StatusChangeRecord {
  readonly pk: string;
  readonly sk: string;
  readonly itemType: 'STATUS_CHANGE';
  /** The deduplication key (see `change-id.ts`). */
  readonly changeId: string;
  /** What identifies the change at Front Payment (see `movements.ts`), e.g. `CAPTURED:CAP…`. */
  readonly identity: string;
  readonly eventId: string;
  readonly reservationId: string;
  readonly reservationUuid: string;
  readonly status: PaymentStatus;
  readonly amount: number;
  readonly reference: string | null;
  readonly occurredAt: string | null;
  /** When the callback that led to this change arrived. */
  readonly receivedAt: string;
  readonly previousStatus: string;
  readonly currentStatus: string;
  /** True when the change moved the reservation's status (see `status-after.ts`). */
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
