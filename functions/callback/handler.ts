import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { documentClient } from '#shared/aws/dynamodb';
import { recordCallback } from '#shared/callbacks/record-callback';
import { createStatusChangeRepository } from '#shared/callbacks/status-change-repository';
import { readSecret } from '#shared/config/secret-source';
import { createOutboxPublishing } from '#shared/events/outbox-publishing';
import { createFrontPaymentClient } from '#shared/front-payment/front-payment-client';
import { httpErrorResponses } from '#shared/http/error-response';
import { logger } from '#shared/logger';
import { callbackResponse } from './callback-response.ts';
import { loadCallbackConfig } from './config.ts';
import { publishDeadline } from './publish-deadline.ts';

/**
 * Publisher tries while Front Payment waits for our answer (besides the EventBridge client's own
 * retry); the sweeper does the rest.
 */
const CALLBACK_PUBLISH_ATTEMPTS = 2;

// Everything below runs once per container (cold start) and is reused by every invocation.
const config = loadCallbackConfig();
const { confirmation } = config;
const dependencies = {
  secret: () => readSecret(config.callbackSecret),
  checksumFormula: config.checksumFormula,
  ...(config.maxAgeSeconds === undefined ? {} : { maxAgeSeconds: config.maxAgeSeconds }),
  ...(confirmation
    ? {
        confirmation: createFrontPaymentClient({
          baseUrl: confirmation.frontPaymentBaseUrl,
          token: () => readSecret(confirmation.frontPaymentToken),
          timeoutMs: confirmation.timeoutMs,
        }),
      }
    : {}),
  repository: createStatusChangeRepository({
    documents: documentClient,
    tableName: config.reservationsTableName,
  }),
  ...createOutboxPublishing(config, { publishAttempts: CALLBACK_PUBLISH_ATTEMPTS }),
  log: logger,
};

/**
 * GET /callbacks/front-payment. `rawQueryString` is the source of truth: the checksum depends on
 * the order Front Payment sent the parameters in, which `queryStringParameters` loses.
 * A thrown error means nothing was recorded: `httpErrorResponses` answers 500 so the sender retries.
 */
export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(httpErrorResponses())
  .handler(async (event, context) => {
    const outcome = await recordCallback(
      {
        rawQueryString: event.rawQueryString ?? '',
        publishDeadline: () => publishDeadline(context.getRemainingTimeInMillis()),
      },
      dependencies,
    );
    return callbackResponse(outcome);
  });
