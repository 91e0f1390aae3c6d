import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  CommandOutcomeUnknownError,
  ConfigurationError,
  FrontPaymentAuthenticationError,
  FrontPaymentMisconfiguredError,
  FrontPaymentProtocolError,
  FrontPaymentRejectedError,
  FrontPaymentTimeoutError,
  FrontPaymentUnavailableError,
  IdempotencyKeyReusedError,
  InputValidationError,
  LambdaDeadlineError,
  RequestInProgressError,
  ReservationNotFoundError,
  ReservationStateConflictError,
  SessionOutcomeUnknownError,
  UnreadableRequestError,
} from '../errors.ts';
import { logger } from '../logger.ts';
import { jsonResponse } from './json-response.ts';

/**
 * The one place where errors become HTTP answers. Messages of 4xx answers are meant for the
 * caller; 5xx answers say what happened without internals, tokens or personal data.
 */
export function errorResponseOf(error: unknown): APIGatewayProxyStructuredResultV2 {
  if (error instanceof InputValidationError) {
    return jsonResponse(400, { message: error.message, errors: error.errors });
  }
  if (error instanceof UnreadableRequestError) {
    return jsonResponse(error.statusCode, { message: error.message });
  }
  if (error instanceof IdempotencyKeyReusedError) {
    return jsonResponse(409, { message: error.message, retryable: false });
  }
  if (error instanceof RequestInProgressError) {
    return jsonResponse(
      409,
      { message: error.message, retryable: true },
      { 'retry-after': String(error.retryAfterSeconds) },
    );
  }
  if (error instanceof SessionOutcomeUnknownError) {
    return jsonResponse(OUTCOME_UNKNOWN_STATUS[error.kind], {
      message: `${error.message}. Do not create it again with a new key: the reconciler settles reservation ${error.reservationId} from Front Payment's records by itself on its next runs, and a retry with the same Idempotency-Key then answers its outcome (the session, or a new attempt if Front Payment has none).`,
      reservationId: error.reservationId,
      retryable: false,
    });
  }
  if (error instanceof ReservationNotFoundError) {
    return jsonResponse(404, { message: error.message });
  }
  if (error instanceof ReservationStateConflictError) {
    return jsonResponse(409, { message: error.message, rule: error.rule, retryable: false });
  }
  if (error instanceof CommandOutcomeUnknownError) {
    return jsonResponse(COMMAND_UNKNOWN_STATUS[error.kind], {
      message: `${error.message}. It is not sent again: GET /reservations/${error.reservationId}?refresh=true shows what Front Payment did.`,
      reservationId: error.reservationId,
      retryable: false,
    });
  }
  if (error instanceof LambdaDeadlineError) {
    return jsonResponse(504, {
      message: `${error.message}. Retry with the same Idempotency-Key to learn the outcome.`,
      retryable: false,
    });
  }
  if (error instanceof FrontPaymentRejectedError) {
    return jsonResponse(422, { message: error.message, errors: error.errors, retryable: false });
  }
  if (error instanceof FrontPaymentAuthenticationError) {
    return jsonResponse(502, {
      message: 'Front Payment refused our credentials: the integration is misconfigured',
      retryable: false,
    });
  }
  if (error instanceof FrontPaymentMisconfiguredError) {
    return jsonResponse(502, {
      message:
        'Front Payment does not know the endpoint we called: the integration is misconfigured',
      retryable: false,
    });
  }
  if (error instanceof FrontPaymentTimeoutError) {
    return jsonResponse(504, { message: error.message, retryable: true });
  }
  if (error instanceof FrontPaymentUnavailableError || error instanceof FrontPaymentProtocolError) {
    return jsonResponse(502, { message: error.message, retryable: true });
  }
  if (error instanceof ConfigurationError) {
    return jsonResponse(500, { message: 'The integration is misconfigured', retryable: false });
  }
  return jsonResponse(500, { message: 'Internal error', retryable: true });
}

/** Status of an unknown-outcome answer: what went wrong, and 409 for a retry of such a request. */
const OUTCOME_UNKNOWN_STATUS: Record<SessionOutcomeUnknownError['kind'], number> = {
  timeout: 504,
  interrupted: 502,
  unreadable: 502,
  'server-error': 502,
  unrecorded: 500,
  'earlier-attempt': 409,
};

const COMMAND_UNKNOWN_STATUS: Record<CommandOutcomeUnknownError['kind'], number> = {
  timeout: 504,
  unanswered: 502,
  unrecorded: 500,
  'earlier-attempt': 409,
};

/** middy `onError` hook: the answer for any error, logged without request data. */
export function httpErrorResponses(): MiddlewareObj {
  return {
    onError: (request: Request) => {
      const response = errorResponseOf(request.error);
      logError(request.error, response.statusCode ?? 500);
      request.response = response;
    },
  };
}

function logError(error: unknown, statusCode: number): void {
  const errorName = error instanceof Error ? error.name : typeof error;
  if (statusCode >= 500) {
    // Under `error`, not `message` (Powertools reserves that key and drops it): Powertools writes
    // the Error's name, message, stack and cause, so the operator sees why. Our errors' messages
    // carry ids and statuses, never request bodies or personal data.
    logger.error('request failed', {
      statusCode,
      errorName,
      ...(error instanceof Error ? { error } : {}),
    });
  } else logger.info('request refused', { statusCode, errorName });
}
