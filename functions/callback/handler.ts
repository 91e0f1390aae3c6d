import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { documentClient } from '#shared/aws/dynamodb';
import { createCallbackInbox } from '#shared/callbacks/callback-inbox';
import { createDetailsReadGate } from '#shared/callbacks/details-read-gate';
import { recordCallback } from '#shared/callbacks/record-callback';
import { createStatusChangeRepository } from '#shared/callbacks/status-change-repository';
import { readSecret } from '#shared/config/secret-source';
import { createOutboxPublishing } from '#shared/events/outbox-publishing';
import { createFrontPaymentClient } from '#shared/front-payment/front-payment-client';
import { httpErrorResponses } from '#shared/http/error-response';
import { logger, logLambdaContext } from '#shared/logging/logger';
import { callbackErrorResponseOf } from './callback-error-response.ts';
import { callbackResponse } from './callback-response.ts';
import { loadCallbackConfig } from './config.ts';
import { reservationIdFromPath } from './reservation-path.ts';
import { detailsTimeoutMs, publishWindow } from './time-budget.ts';

/**
 * Publisher tries while Front Payment waits for our answer (besides the EventBridge client's own
 * retry); the sweeper does the rest.
 */
const CALLBACK_PUBLISH_ATTEMPTS = 2;

// Everything below runs once per container (cold start) and is reused by every invocation.
const config = loadCallbackConfig();
const tables = { documents: documentClient, tableName: config.reservationsTableName };
const dependencies = {
  secrets: config.callbackSecrets.map((source) => () => readSecret(source)),
  checksumFormula: config.checksumFormula,
  ...(config.maxAgeSeconds === undefined ? {} : { maxAgeSeconds: config.maxAgeSeconds }),
  details: createFrontPaymentClient({
    baseUrl: config.frontPaymentBaseUrl,
    token: () => readSecret(config.frontPaymentToken),
    timeoutMs: config.frontPaymentTimeoutMs,
  }),
  inbox: createCallbackInbox(tables),
  detailsReads: createDetailsReadGate(tables),
  repository: createStatusChangeRepository(tables),
  ...createOutboxPublishing(config, { publishAttempts: CALLBACK_PUBLISH_ATTEMPTS }),
  log: logger,
};

/**
 * GET /callbacks/front-payment/{reservationId} (and the old GET /callbacks/front-payment).
 * `rawQueryString` is the source of truth: the checksum depends on the order Front Payment sent
 * the parameters in, which `queryStringParameters` loses. A thrown error means the callback was
 * not kept: `httpErrorResponses` answers 500 so the sender retries.
 */
export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(logLambdaContext())
  .use(httpErrorResponses(callbackErrorResponseOf))
  .handler(async (event, context) => {
    const reservationId = reservationIdFromPath(event.pathParameters);
    const outcome = await recordCallback(
      {
        rawQueryString: event.rawQueryString ?? '',
        ...(reservationId ? { reservationId } : {}),
        detailsTimeoutMs: () =>
          detailsTimeoutMs(config.frontPaymentTimeoutMs, context.getRemainingTimeInMillis()),
        publishWindow: () => publishWindow(context.getRemainingTimeInMillis()),
      },
      dependencies,
    );
    return callbackResponse(outcome);
  });
