import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { documentClient } from '#shared/aws/dynamodb';
import { readSecret } from '#shared/config/secret-source';
import { LambdaDeadlineError } from '#shared/errors';
import { createSessionClient } from '#shared/front-payment/session-client';
import { callerDigestOf, callerIdentityOf } from '#shared/http/caller-identity';
import { httpErrorResponses } from '#shared/http/error-response';
import { requiredIdempotencyKeyOf } from '#shared/http/idempotency-key';
import { jsonBody } from '#shared/http/json-body';
import { jsonResponse } from '#shared/http/json-response';
import { logLambdaContext } from '#shared/logging/logger';
import type { CreatedReservation } from '#shared/reservations/created-reservation';
import { requestFingerprint } from '#shared/reservations/request-fingerprint';
import { reservationIdFor } from '#shared/reservations/reservation-id';
import { createReservationRepository } from '#shared/reservations/reservation-repository';
import { loadCreateSessionConfig } from './config.ts';
import { createSession } from './create-session.ts';
import { parseReservationRequest } from './parse-reservation-request.ts';

/** A reservation is a few KB; anything near API Gateway's 10 MB limit is a mistake or an attack. */
const MAX_BODY_BYTES = 64 * 1024;

// Everything below runs once per container (cold start) and is reused by every invocation.
const config = loadCreateSessionConfig();
const parseRequest = parseReservationRequest(config.allowedTaxRates);
const dependencies = {
  reservations: createReservationRepository(documentClient, config.reservationsTableName),
  frontPayment: createSessionClient({
    baseUrl: config.frontPaymentBaseUrl,
    token: () => readSecret(config.frontPaymentToken),
    timeoutMs: config.frontPaymentTimeoutMs,
  }),
  callbackUrl: config.callbackUrl,
  now: () => new Date(),
};

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>({
  // Instead of middy's plain TimeoutError (a 500 that reads as retryable).
  timeoutEarlyResponse: () => {
    throw new LambdaDeadlineError(
      'The request ran out of time; Front Payment may have created the session',
    );
  },
})
  .use(logLambdaContext())
  .use(httpErrorResponses())
  .use(jsonBody(MAX_BODY_BYTES))
  .handler(async (event, context) => {
    // Validation first: nothing else touches the body before it has its known, bounded shape.
    const request = parseRequest(event.body);
    const idempotencyKey = requiredIdempotencyKeyOf(event);
    const caller = callerIdentityOf(event);
    const attempt = {
      reservationId: reservationIdFor(caller, idempotencyKey),
      owner: callerDigestOf(caller),
      requestHash: requestFingerprint(request),
      deadline: Date.now() + context.getRemainingTimeInMillis(),
    };
    const { reservation, replayed } = await createSession(attempt, request, dependencies);
    // A replayed answer says so, the way Stripe's `Idempotent-Replayed` header does.
    return jsonResponse(
      201,
      reservation satisfies CreatedReservation,
      replayed ? { 'idempotent-replayed': 'true' } : {},
    );
  });
