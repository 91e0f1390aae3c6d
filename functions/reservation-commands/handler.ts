import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { documentClient } from '#shared/aws/dynamodb';
import { createStatusChangeRepository } from '#shared/callbacks/status-change-repository';
import { createCommandRepository } from '#shared/commands/command-repository';
import { readSecret } from '#shared/config/secret-source';
import { LambdaDeadlineError } from '#shared/errors';
import { createOutboxPublishing } from '#shared/events/outbox-publishing';
import { createFrontPaymentClient } from '#shared/front-payment/front-payment-client';
import { httpErrorResponses } from '#shared/http/error-response';
import { jsonBody } from '#shared/http/json-body';
import { logger, logLambdaContext } from '#shared/logging/logger';
// The callback's budget suits here too: the answer waits for publishing, the outbox keeps the rest.
import { publishWindow } from '../callback/time-budget.ts';
import { loadReservationCommandsConfig } from './config.ts';
import { handleReservationRequest } from './reservation-request.ts';

/** A command body is a few hundred bytes; a charge's product list a few KB at most. */
const MAX_BODY_BYTES = 32 * 1024;

// Everything below runs once per container (cold start) and is reused by every invocation.
const config = loadReservationCommandsConfig();
const tables = { documents: documentClient, tableName: config.reservationsTableName };
const dependencies = {
  tables,
  allowedTaxRates: config.allowedTaxRates,
  repository: createStatusChangeRepository(tables),
  commands: createCommandRepository(documentClient, config.reservationsTableName),
  frontPayment: createFrontPaymentClient({
    baseUrl: config.frontPaymentBaseUrl,
    token: () => readSecret(config.frontPaymentToken),
    timeoutMs: config.frontPaymentTimeoutMs,
  }),
  ...createOutboxPublishing(config),
  log: logger,
};
const readJson = jsonBody(MAX_BODY_BYTES);

/** GET /reservations/{id} and POST /reservations/{id}/{capture|charge|cancel|complete|refund|resend}. */
export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>({
  timeoutEarlyResponse: () => {
    throw new LambdaDeadlineError(
      'The request ran out of time; Front Payment may have carried out the command',
    );
  },
})
  .use(logLambdaContext())
  .use(httpErrorResponses())
  // Commands carry JSON; a GET has no body to read.
  .use({
    before: (request) =>
      request.event.requestContext.http.method === 'POST' ? readJson.before?.(request) : undefined,
  })
  .handler((event, context) =>
    handleReservationRequest(event, {
      ...dependencies,
      deadline: Date.now() + context.getRemainingTimeInMillis(),
      publishWindow: () => publishWindow(context.getRemainingTimeInMillis()),
    }),
  );
