import { randomBytes, randomUUID } from 'node:crypto';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import * as v from 'valibot';
import type { PaymentStatus } from '#shared/callbacks/payment-status';
import { statusAfter } from '#shared/callbacks/status-after';
import {
  CAPTURE_DUE_DETAIL_TYPE,
  type CaptureDueDetail,
  createCaptureDuePublisher,
  type DeadlineKind,
} from '#shared/events/capture-due-event';
import { createEventPublisher } from '#shared/events/event-publisher';
import {
  STATUS_CHANGED_DETAIL_TYPE,
  type StatusChangedDetail,
  StatusChangedDetailSchema,
} from '#shared/events/status-changed-event';
import type { ReservationRecord } from '#shared/reservations/reservation-record';
import { reservationKeys } from '#shared/reservations/table-design';
import { FIRE_EVENTS, type FireEventName } from './fire-events.ts';

/** A fire request that cannot be done; `statusCode` is the answer's. */
export class FireEventError extends Error {
  constructor(
    message: string,
    readonly statusCode: 400 | 404 | 409 | 502,
  ) {
    super(message);
    this.name = 'FireEventError';
  }
}

export interface FireEventDependencies {
  readonly documents: DynamoDBDocumentClient;
  readonly reservationsTableName: string;
  /** The real SDK client, pointed at the local EventBridge. */
  readonly eventBridge: EventBridgeClient;
  readonly eventBusName: string;
  readonly source: string;
}

export interface FiredEvent {
  readonly detailType: string;
  readonly detail: StatusChangedDetail | CaptureDueDetail;
}

/** Money moves only in these; the others carry amount 0 (as the real events do). */
const MOVES_MONEY: ReadonlySet<string> = new Set(['RESERVED', 'CAPTURED', 'CHARGED', 'REFUNDED']);
const HOUR_MS = 3_600_000;

/**
 * Puts one event for a reservation on the local bus through the product's own publishers, as if
 * it had happened, so consumers can be built without paying in the sandbox. Nothing is written
 * to the table: the reservation and its history stay as they are. Amounts are the reservation's
 * grand total (a full capture, charge or refund); each fired event gets a fresh `eventId`, so a
 * consumer that deduplicates still sees every fire.
 */
export async function fireEvent(
  dependencies: FireEventDependencies,
  reservationId: string,
  name: string,
): Promise<FiredEvent> {
  if (!Object.hasOwn(FIRE_EVENTS, name)) {
    throw new FireEventError(
      `event: unknown "${name}"; one of ${Object.keys(FIRE_EVENTS).join(', ')}`,
      400,
    );
  }
  const { Item } = await dependencies.documents.send(
    new GetCommand({
      TableName: dependencies.reservationsTableName,
      Key: reservationKeys.reservation(reservationId),
    }),
  );
  const reservation = Item as ReservationRecord | undefined;
  if (!reservation) throw new FireEventError(`reservationId: no reservation ${reservationId}`, 404);
  const reservationUuid = reservation.frontPaymentUuid;
  if (!reservationUuid) {
    throw new FireEventError(
      `reservationId: ${reservationId} has no Front Payment session (status ${reservation.status})`,
      409,
    );
  }
  const chosen: { status: PaymentStatus } | { deadline: DeadlineKind } =
    FIRE_EVENTS[name as FireEventName];
  const fired =
    'status' in chosen
      ? await fireStatus(dependencies, reservation, reservationUuid, chosen.status)
      : await fireCaptureDue(dependencies, reservation, reservationUuid, chosen.deadline);
  return fired;
}

async function fireStatus(
  dependencies: FireEventDependencies,
  reservation: ReservationRecord,
  reservationUuid: string,
  status: PaymentStatus,
): Promise<FiredEvent> {
  const total = reservation.amounts.grandTotal;
  const now = new Date().toISOString();
  const reference =
    status === 'CAPTURED' || status === 'CHARGED'
      ? `${status === 'CAPTURED' ? 'CAP' : 'CHA'}${randomBytes(6).toString('hex').toUpperCase()}`
      : null;
  // The product's schema checks what we built: a fired event is shaped as a real one.
  const detail = v.parse(StatusChangedDetailSchema, {
    schemaVersion: 2,
    eventId: randomUUID(),
    reservationId: reservation.reservationId,
    reservationUuid,
    status,
    previousStatus: reservation.status,
    // As a lone change read from the details would set it (shared/callbacks/status-after.ts).
    currentStatus: statusAfter(reservation, status, undefined, true).status,
    amount: MOVES_MONEY.has(status) ? total : 0,
    reference,
    reservedAmount: total,
    capturedAmount: status === 'CAPTURED' ? total : 0,
    chargedAmount: status === 'CHARGED' ? total : 0,
    refundedAmount: status === 'REFUNDED' ? total : 0,
    occurredAt: reference ? now : null,
    orderCreatedAt: reservation.createdAt,
    receivedAt: now,
  } satisfies StatusChangedDetail);
  const publisher = createEventPublisher({
    client: dependencies.eventBridge,
    eventBusName: dependencies.eventBusName,
    source: dependencies.source,
  });
  const { failed } = await publisher.publish([detail]);
  if (failed.length > 0) {
    throw new FireEventError(
      `The local EventBridge did not take the event: ${failed[0]?.errorCode}`,
      502,
    );
  }
  return { detailType: STATUS_CHANGED_DETAIL_TYPE, detail };
}

async function fireCaptureDue(
  dependencies: FireEventDependencies,
  reservation: ReservationRecord,
  reservationUuid: string,
  deadline: DeadlineKind,
): Promise<FiredEvent> {
  const detail: CaptureDueDetail = {
    schemaVersion: 1,
    eventId: randomUUID(),
    reservationId: reservation.reservationId,
    reservationUuid,
    deadline,
    // The reconciler warns a day (CAPTURE_DUE_LEAD_HOURS' default) before the deadline.
    dueAt: new Date(Date.now() + 24 * HOUR_MS).toISOString(),
    reservedAt: reservation.createdAt,
    reservedAmount: reservation.amounts.grandTotal,
    capturedAmount: 0,
    chargedAmount: 0,
  };
  const publish = createCaptureDuePublisher({
    client: dependencies.eventBridge,
    eventBusName: dependencies.eventBusName,
    source: dependencies.source,
  });
  if (!(await publish(detail))) {
    throw new FireEventError('The local EventBridge did not take the event', 502);
  }
  return { detailType: CAPTURE_DUE_DETAIL_TYPE, detail };
}
