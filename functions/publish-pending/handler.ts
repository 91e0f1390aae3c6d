import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { createOutboxPublishing } from '#shared/events/outbox-publishing';
import { logger } from '#shared/logger';
import { loadPublishPendingConfig } from './config.ts';
import { type PublishPendingResult, publishPendingEvents } from './publish-pending.ts';

// Everything below runs once per container (cold start) and is reused by every invocation.
const config = loadPublishPendingConfig();
const dependencies = { ...createOutboxPublishing(config), log: logger };

/**
 * Runs every minute (EventBridge schedule). It works through the backlog while its Lambda has
 * time left; events it cannot publish stay pending, each logged as `STATUS_EVENT_NOT_PUBLISHED`,
 * and the next run tries again.
 */
export const handler = middy<ScheduledEvent, PublishPendingResult>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler((_event, context) =>
    publishPendingEvents({
      ...dependencies,
      remainingTimeMs: () => context.getRemainingTimeInMillis(),
    }),
  );
