import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { documentClient, dynamoDbClient } from '#shared/aws/dynamodb';
import { readSecret } from '#shared/config/secret-source';
import { createFrontPaymentClient } from '#shared/front-payment/front-payment-client';
import { httpErrorResponses } from '#shared/http/error-response';
import { jsonBody } from '#shared/http/json-body';
import { jsonResponse } from '#shared/http/json-response';
import { logger } from '#shared/logger';
import { reservationIdFor } from '#shared/reservations/reservation-id';
import { createReservationRepository } from '#shared/reservations/reservation-repository';
import { loadCreateSessionConfig } from './config.ts';
import { createSession } from './create-session.ts';
import { parseReservationRequest } from './parse-reservation-request.ts';

/** A reservation is a few KB; anything near API Gateway's 10 MB limit is a mistake or an attack. */
const MAX_BODY_BYTES = 64 * 1024;
/** How long a retried `Idempotency-Key` returns the first answer. */
const IDEMPOTENCY_WINDOW_SECONDS = 24 * 60 * 60;

// Everything below runs once per container (cold start) and is reused by every invocation.
const config = loadCreateSessionConfig();
const parseRequest = parseReservationRequest(config.allowedTaxRates);
const dependencies = {
  reservations: createReservationRepository(documentClient, config.reservationsTableName),
  frontPayment: createFrontPaymentClient({
    baseUrl: config.frontPaymentBaseUrl,
    token: () => readSecret(config.frontPaymentToken),
    timeoutMs: config.frontPaymentTimeoutMs,
  }),
  callbackUrl: config.callbackUrl,
  now: () => new Date(),
};

const idempotency = {
  persistenceStore: new DynamoDBPersistenceLayer({
    tableName: config.idempotencyTableName,
    awsSdkV3Client: dynamoDbClient,
  }),
  // A fixed prefix keeps keys stable whatever the deployed function's name is.
  keyPrefix: 'create-session',
  config: new IdempotencyConfig({
    eventKeyJmesPath: 'headers."idempotency-key"',
    payloadValidationJmesPath: 'body',
    expiresAfterSeconds: IDEMPOTENCY_WINDOW_SECONDS,
    hashFunction: 'sha256',
    responseHook: (response) => markReplayed(response),
  }),
};

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(jsonBody(MAX_BODY_BYTES))
  .use(makeHandlerIdempotent(idempotency))
  // After makeHandlerIdempotent on purpose: see httpErrorResponses.
  .use(httpErrorResponses())
  .handler(async (event) => {
    const request = parseRequest(event.body);
    const reservationId = reservationIdFor(event.headers['idempotency-key'], event.body);
    const created = await createSession(reservationId, request, dependencies);
    return jsonResponse(201, created);
  });

/** A replayed answer says so, the way Stripe's `Idempotent-Replayed` header does. */
function markReplayed<T>(response: T): T {
  if (response && typeof response === 'object' && 'statusCode' in response) {
    const { headers } = response as { headers?: Record<string, string> };
    return { ...response, headers: { ...headers, 'idempotent-replayed': 'true' } };
  }
  return response;
}
