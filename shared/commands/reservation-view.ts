import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StatusChangeRecord } from '../callbacks/status-change-record.ts';
import { readReservationPartition } from '../reservations/reservation-partition.ts';
import type { ReservationRecord } from '../reservations/reservation-record.ts';
import type { CommandRecord } from './command-record.ts';
import { answerOf, type CommandAnswer } from './run-command.ts';

/** `GET /reservations/{id}`: our record of a reservation, without personal data or key material. */
export interface ReservationView {
  readonly reservationId: string;
  readonly reservationUuid: string | null;
  readonly status: string;
  readonly amounts: ReservationRecord['amounts'];
  readonly referenceNo: string | null;
  readonly paymentUrl: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Front Payment's cumulative amounts as of the latest recorded change. */
  readonly cumulative: {
    readonly reserved: number;
    readonly captured: number;
    readonly charged: number;
    readonly refunded: number;
  };
  /** Every recorded change, oldest first, as the version 2 events carry them. */
  readonly history: readonly HistoryEntry[];
  readonly commands: readonly CommandAnswer[];
  /** Why creating the checkout session failed, when it did. */
  readonly failure: ReservationRecord['failure'] | null;
}

interface HistoryEntry {
  readonly eventId: string;
  readonly status: string;
  readonly amount: number;
  readonly reference: string | null;
  readonly previousStatus: string;
  readonly currentStatus: string;
  readonly occurredAt: string | null;
  readonly receivedAt: string;
}

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
