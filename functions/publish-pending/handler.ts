import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { documentClient } from '#shared/aws/dynamodb';
import { eventBridgeClient } from '#shared/events/event-bridge-client';
import { createEventPublisher } from '#shared/events/event-publisher';
import { createOutboxRepository } from '#shared/events/outbox-repository';
import { logger } from '#shared/logger';
import { loadPublishPendingConfig } from './config.ts';
import { type PublishPendingResult, publishPendingEvents } from './publish-pending.ts';

// Everything below runs once per container (cold start) and is reused by every invocation.
const config = loadPublishPendingConfig();
const dependencies = {
  outbox: createOutboxRepository({
    documents: documentClient,
    tableName: config.reservationsTableName,
  }),
  publisher: createEventPublisher({
    client: eventBridgeClient,
    eventBusName: config.eventBusName,
    source: config.eventSource,
  }),
  log: logger,
};

/**
 * Runs every minute (EventBridge schedule). Events it cannot publish stay pending and are logged
 * at error level; the next run tries again.
 */
export const handler = middy<ScheduledEvent, PublishPendingResult>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(() => publishPendingEvents(dependencies));
