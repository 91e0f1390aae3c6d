import { randomUUID } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createStatusChangeRepository } from '#shared/callbacks/status-change-repository';
import { createCommandRepository } from '#shared/commands/command-repository';
import { createCaptureDuePublisher } from '#shared/events/capture-due-event';
import { createEventPublisher } from '#shared/events/event-publisher';
import { createOutboxRepository } from '#shared/events/outbox-repository';
import { DEFAULT_EVENT_SOURCE } from '#shared/events/status-changed-event';
import { createFrontPaymentClient } from '#shared/front-payment/front-payment-client';
import { checkTime, openShardOf } from '#shared/reservations/open-index';
import { reservationKeys } from '#shared/reservations/table-design';
import type { StructuredLog } from '#shared/structured-log';
import { createOpenReservations } from '../../functions/reconcile/open-reservations.ts';
import {
  type ReconcileRunOptions,
  type ReconcileRunResult,
  reconcileOpenReservations,
} from '../../functions/reconcile/reconcile.ts';
import type {
  ReconcileDependencies,
  ReconcileSettings,
} from '../../functions/reconcile/reconcile-reservation.ts';
import { createSessionOwners } from '../../functions/reconcile/session-owners.ts';
import { exampleCreatePayload } from '../../infra/local/front-payment-sandbox/index.ts';
import { type CallbackStack, FRONT_PAYMENT_TOKEN } from './callback-fixtures.ts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export const TEST_RECONCILE_SETTINGS: ReconcileSettings = {
  recheckMs: 15 * MINUTE,
  graceMs: 30 * MINUTE,
  searchRetryMs: MINUTE,
  linkExpiryGraceMs: 60 * MINUTE,
  captureWindowMs: 7 * DAY,
  chargeValidityMs: 90 * DAY,
  leadTimeMs: DAY,
  refundWatchMs: 30 * DAY,
  refundRecheckMs: DAY,
};

/** Log lines the reconciler wrote, kept for the test to read. */
export interface KeptLog extends StructuredLog {
  readonly lines: { level: string; message: string; attributes: Record<string, unknown> }[];
}

export function keptLog(): KeptLog {
  const lines: KeptLog['lines'] = [];
  const keep = (level: string) => (message: string, attributes: Record<string, unknown>) => {
    lines.push({ level, message, attributes });
  };
  return {
    lines,
    debug: keep('DEBUG'),
    info: keep('INFO'),
    warn: keep('WARN'),
    error: keep('ERROR'),
  };
}

/** The reconciler wired to the stack's real parts: DynamoDB Local, the sandbox, the stand-in. */
export function reconcilerOn(
  stack: CallbackStack,
  overrides: { settings?: Partial<ReconcileSettings>; frontPaymentTimeoutMs?: number } = {},
): ReconcileDependencies & { readonly log: KeptLog } {
  const documents = stack.tables.documents;
  const tableName = stack.tables.names.reservations;
  const eventBus = { eventBusName: 'reservations-bus', source: DEFAULT_EVENT_SOURCE };
  return {
    reservations: createOpenReservations(documents, tableName),
    statusChanges: createStatusChangeRepository({ documents, tableName }),
    commands: createCommandRepository(documents, tableName),
    frontPayment: createFrontPaymentClient({
      baseUrl: stack.sandbox.url,
      token: async () => FRONT_PAYMENT_TOKEN,
      timeoutMs: overrides.frontPaymentTimeoutMs ?? 2_000,
    }),
    publisher: createEventPublisher({ client: stack.eventBridge, ...eventBus }),
    outbox: createOutboxRepository({ documents, tableName }),
    // One per call, as one warm container: a new call is a new container's memory.
    sessionOwners: createSessionOwners(documents, tableName),
    publishCaptureDue: createCaptureDuePublisher({ client: stack.eventBridge, ...eventBus }),
    settings: { ...TEST_RECONCILE_SETTINGS, ...overrides.settings },
    log: keptLog(),
  };
}

/** One run with a generous budget unless `options` say otherwise. */
export function runReconciler(
  dependencies: ReconcileDependencies,
  options: Partial<ReconcileRunOptions> = {},
): Promise<ReconcileRunResult> {
  return reconcileOpenReservations(dependencies, {
    callBudget: 100,
    deadline: Date.now() + 20_000,
    ...options,
  });
}

/**
 * Puts a reservation seeded as create-session leaves it into the open-reservations index, due
 * now (create-session writes the same two attributes; the fixture's seed predates them).
 */
export async function openInIndex(stack: CallbackStack, reservationId: string): Promise<void> {
  await stack.tables.documents.send(
    new UpdateCommand({
      TableName: stack.tables.names.reservations,
      Key: reservationKeys.reservation(reservationId),
      UpdateExpression: 'SET openShard = :shard, nextCheckAt = :due',
      ExpressionAttributeValues: {
        ':shard': openShardOf(reservationId),
        ':due': checkTime(Date.now() - 1000),
      },
    }),
  );
}

/** Creates a reservation at the sandbox (the example payload, `changes` on top); its uuid. */
export async function createAtSandbox(
  stack: CallbackStack,
  changes: Record<string, unknown> = {},
  callbackUrl = `${stack.apiUrl}/callbacks/front-payment/${randomUUID()}`,
): Promise<string> {
  const response = await fetch(`${stack.sandbox.url}/api/v1/connect/reservations/create`, {
    method: 'POST',
    headers: { authorization: `Bearer ${FRONT_PAYMENT_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...exampleCreatePayload({ callbackUrl }), ...changes }),
  });
  const body = (await response.json()) as { data?: { reservationUuid: string } };
  if (!body.data) throw new Error(`sandbox create answered ${JSON.stringify(body)}`);
  return body.data.reservationUuid;
}
