import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StatusChangeRecord } from '../callbacks/status-change-record.ts';
import { readReservationPartition } from '../reservations/reservation-partition.ts';
import type { ReservationRecord } from '../reservations/reservation-record.ts';
import type { CommandRecord } from './command-record.ts';
import type { ReservationView } from './reservation-view-schema.ts';
import { answerOf } from './run-command.ts';

// Still importable from here: the view's type now lives with its schema.
export type { ReservationView } from './reservation-view-schema.ts';

/** Reads the reservation's items (one partition) and shapes them; undefined when there is none. */
export async function readReservationView(
  documents: DynamoDBDocumentClient,
  tableName: string,
  reservationId: string,
): Promise<ReservationView | undefined> {
  const items = await readReservationPartition(documents, tableName, reservationId);
  const reservation = items.find((item) => item.sk === 'RESERVATION') as
    | ReservationRecord
    | undefined;
  if (!reservation) return undefined;
  const changes = (
    items.filter((item) => item.itemType === 'STATUS_CHANGE') as unknown as StatusChangeRecord[]
  ).sort((left, right) => left.reservationVersion - right.reservationVersion);
  const commands = (
    items.filter((item) => item.itemType === 'COMMAND') as unknown as CommandRecord[]
  ).sort((left, right) => left.requestedAt.localeCompare(right.requestedAt));
  const latest = changes.at(-1)?.detail;
  return {
    reservationId: reservation.reservationId,
    reservationUuid: reservation.frontPaymentUuid ?? null,
    status: reservation.status,
    amounts: reservation.amounts,
    referenceNo: reservation.referenceNo ?? null,
    paymentUrl: reservation.paymentUrl ?? null,
    createdAt: reservation.createdAt,
    updatedAt: reservation.updatedAt,
    cumulative: {
      reserved: latest?.reservedAmount ?? 0,
      captured: latest?.capturedAmount ?? 0,
      charged: latest?.chargedAmount ?? 0,
      refunded: latest?.refundedAmount ?? 0,
    },
    history: changes.map((change) => ({
      eventId: change.eventId,
      status: change.status,
      amount: change.amount,
      reference: change.reference,
      previousStatus: change.previousStatus,
      currentStatus: change.currentStatus,
      occurredAt: change.occurredAt,
      receivedAt: change.receivedAt,
    })),
    commands: commands.map(answerOf),
    failure: reservation.failure ?? null,
  };
}
