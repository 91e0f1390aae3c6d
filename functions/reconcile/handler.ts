import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { documentClient } from '#shared/aws/dynamodb';
import { eventBridgeClient } from '#shared/aws/eventbridge';
import { createStatusChangeRepository } from '#shared/callbacks/status-change-repository';
import { createCommandRepository } from '#shared/commands/command-repository';
import { readSecret } from '#shared/config/secret-source';
import { createCaptureDuePublisher } from '#shared/events/capture-due-event';
import { createOutboxPublishing } from '#shared/events/outbox-publishing';
import { createFrontPaymentClient } from '#shared/front-payment/front-payment-client';
import { logger, logLambdaContext } from '#shared/logging/logger';
import { loadReconcileConfig } from './config.ts';
import { createOpenReservations } from './open-reservations.ts';
import { type ReconcileRunResult, reconcileOpenReservations } from './reconcile.ts';
import { createSessionOwners } from './session-owners.ts';

/** Kept back from the Lambda's time so the last check and the summary still finish. */
const RESERVE_MS = 5_000;

// Everything below runs once per container (cold start) and is reused by every invocation.
const config = loadReconcileConfig();
const dependencies = {
  ...createOutboxPublishing(config),
  reservations: createOpenReservations(documentClient, config.reservationsTableName),
  statusChanges: createStatusChangeRepository({
    documents: documentClient,
    tableName: config.reservationsTableName,
  }),
  commands: createCommandRepository(documentClient, config.reservationsTableName),
  frontPayment: createFrontPaymentClient({
    baseUrl: config.frontPaymentBaseUrl,
    token: () => readSecret(config.frontPaymentToken),
    timeoutMs: config.frontPaymentTimeoutMs,
  }),
  // Kept by the warm container: whose each session is never changes (see session-owners.ts).
  sessionOwners: createSessionOwners(documentClient, config.reservationsTableName),
  publishCaptureDue: createCaptureDuePublisher({
    client: eventBridgeClient,
    eventBusName: config.eventBusName,
    source: config.eventSource,
  }),
  settings: config.settings,
  log: logger,
};

/** Runs on a schedule: brings the reservations that are not final up to date (docs/reconciler.md). */
export const handler = middy<ScheduledEvent, ReconcileRunResult>()
  .use(logLambdaContext())
  .handler((_event, context) =>
    reconcileOpenReservations(dependencies, {
      callBudget: config.callBudget,
      idleSummaryLevel: config.idleSummaryLevel,
      deadline: Date.now() + context.getRemainingTimeInMillis() - RESERVE_MS,
    }),
  );
