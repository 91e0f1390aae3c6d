import type { CallbackQuery } from './callback-query.ts';
import { changeIdOf, eventIdOf } from './change-id.ts';
import type { NormalisedStatus, PaymentStatus } from './payment-status.ts';

/** A verified, normalised callback: the change we are about to record. */
export interface IncomingStatusChange {
  readonly changeId: string;
  readonly eventId: string;
  readonly orderUuid: string;
  readonly status: PaymentStatus;
  readonly statusRank: number;
  readonly rawStatus: string;
  readonly amount: number;
  readonly paymentMethod: string | null;
  /** Epoch seconds as sent. */
  readonly createdAt: string;
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
