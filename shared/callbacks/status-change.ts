import type { CallbackQuery } from './callback-query.ts';
import { changeIdOf, eventIdOf } from './change-id.ts';
import type { NormalisedStatus, PaymentStatus } from './payment-status.ts';

/**
 * What a callback says about one change, normalised. Every item that records the change keeps
 * these fields as they are (`status-change-record.ts`).
 */
export interface CallbackFacts {
  /** The deduplication key (see `change-id.ts`). */
  readonly changeId: string;
  readonly orderUuid: string;
  readonly status: PaymentStatus;
  readonly rawStatus: string;
  readonly amount: number;
  readonly paymentMethod: string | null;
  /** The callback's `createdAt` (epoch seconds) as sent. */
  readonly createdAt: string;
}

/** A verified, normalised callback: the change we are about to record. */
export interface IncomingStatusChange extends CallbackFacts {
  readonly eventId: string;
  readonly statusRank: number;
  /** The callback's `timestamp` (epoch seconds): when Front Payment sent this delivery. */
  readonly callbackTimestamp: string;
  readonly occurredAt: string;
  readonly receivedAt: string;
}

export function statusChangeFromCallback(
  query: CallbackQuery,
  status: NormalisedStatus,
  receivedAt: Date,
): IncomingStatusChange {
  const changeId = changeIdOf({
    orderUuid: query.orderUuid,
    status: status.status,
    amount: query.amount,
    createdAt: query.createdAt,
  });
  return {
    changeId,
    eventId: eventIdOf(changeId),
    orderUuid: query.orderUuid,
    status: status.status,
    statusRank: status.rank,
    rawStatus: status.rawStatus,
    amount: Number(query.amount),
    paymentMethod: query.paymentMethod ? query.paymentMethod : null,
    createdAt: query.createdAt,
    callbackTimestamp: query.timestamp,
    occurredAt: new Date(Number(query.createdAt) * 1000).toISOString(),
    receivedAt: receivedAt.toISOString(),
  };
}
