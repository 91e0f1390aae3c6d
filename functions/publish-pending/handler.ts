import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { documentClient } from '#shared/aws/dynamodb';
import { createCallbackInbox } from '#shared/callbacks/callback-inbox';
import { createDetailsReadGate } from '#shared/callbacks/details-read-gate';
import { createStatusChangeRepository } from '#shared/callbacks/status-change-repository';
import { readSecret } from '#shared/config/secret-source';
import { createOutboxPublishing } from '#shared/events/outbox-publishing';
import { createFrontPaymentClient } from '#shared/front-payment/front-payment-client';
import { logger, logLambdaContext } from '#shared/logging/logger';
import { loadPublishPendingConfig } from './config.ts';
import { type ConfirmKeptCallbacksResult, confirmKeptCallbacks } from './confirm-kept-callbacks.ts';
import { type PublishPendingResult, publishPendingEvents } from './publish-pending.ts';

// Everything below runs once per container (cold start) and is reused by every invocation.
const config = loadPublishPendingConfig();
const tables = { documents: documentClient, tableName: config.reservationsTableName };
const dependencies = {
  ...createOutboxPublishing(config),
  inbox: createCallbackInbox(tables),
  detailsReads: createDetailsReadGate(tables),
  repository: createStatusChangeRepository(tables),
  details: createFrontPaymentClient({
    baseUrl: config.frontPaymentBaseUrl,
    token: () => readSecret(config.frontPaymentToken),
    timeoutMs: config.frontPaymentTimeoutMs,
  }),
  detailsTimeoutMs: config.frontPaymentTimeoutMs,
  log: logger,
};

export interface SweepResult {
  readonly callbacks: ConfirmKeptCallbacksResult;
  readonly events: PublishPendingResult;
}

/**
 * Runs every minute (EventBridge schedule). First it confirms kept callbacks whose confirmation
 * failed before (each after its backoff), then publishes status events still in the outbox while
 * its Lambda has time left; what it cannot do stays for the next run, logged for the alarms.
 */
export const handler = middy<ScheduledEvent, SweepResult>()
  .use(logLambdaContext())
  .handler(async (_event, context) => {
    const remainingTimeMs = () => context.getRemainingTimeInMillis();
    const callbacks = await confirmKeptCallbacks({ ...dependencies, remainingTimeMs });
    const events = await publishPendingEvents({ ...dependencies, remainingTimeMs });
    return { callbacks, events };
  });
