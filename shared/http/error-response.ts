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
  IdempotencyKeyMissingError,
  IdempotencyKeyReusedError,
  InputValidationError,
  LambdaDeadlineError,
  RequestInProgressError,
  ReservationNotFoundError,
  ReservationStateConflictError,
  SessionOutcomeUnknownError,
  UnreadableRequestError,
} from '../errors.ts';
import { logger } from '../logging/logger.ts';
import { type ProblemDetails, problemResponse } from './problem-response.ts';
import type { ProblemCode } from './problem-types.ts';

/**
 * The one place where errors become HTTP answers, each an RFC 9457 problem with its stable `code`
 * (problem-types.ts). Details of 4xx answers are meant for the caller; 5xx answers say what
 * happened without internals, tokens or personal data.
 */
export function errorResponseOf(error: unknown): APIGatewayProxyStructuredResultV2 {
  const { code, ...details } = problemOf(error);
  return problemResponse(code, details);
}

/** A problem's code and what varies per answer. */
export interface ProblemAnswer extends ProblemDetails {
  readonly code: ProblemCode;
}

/** Which problem an error is, with its details (errorResponseOf's answers, before rendering). */
export function problemOf(error: unknown): ProblemAnswer {
  if (error instanceof IdempotencyKeyMissingError) {
    return { code: 'idempotency-key-missing', detail: error.message, errors: error.errors };
  }
  if (error instanceof InputValidationError) {
    return { code: 'validation-failed', detail: error.message, errors: error.errors };
  }
  if (error instanceof UnreadableRequestError) {
    return { code: error.reason, detail: error.message };
  }
  if (error instanceof IdempotencyKeyReusedError) {
    return { code: 'idempotency-key-reused', detail: error.message };
  }
  if (error instanceof RequestInProgressError) {
    return {
      code: 'request-in-progress',
      detail: error.message,
      headers: { 'retry-after': String(error.retryAfterSeconds) },
    };
  }
  if (error instanceof SessionOutcomeUnknownError) {
    return {
      code: 'session-outcome-unknown',
      status: OUTCOME_UNKNOWN_STATUS[error.kind],
      detail: `${error.message}. Do not create it again with a new key: the reconciler settles reservation ${error.reservationId} from Front Payment's records by itself on its next runs, and a retry with the same Idempotency-Key then answers its outcome (the session, or a new attempt if Front Payment has none).`,
      reservationId: error.reservationId,
    };
  }
  if (error instanceof ReservationNotFoundError) {
    return {
      code: 'reservation-not-found',
      detail: error.message,
      reservationId: error.reservationId,
    };
  }
  if (error instanceof ReservationStateConflictError) {
    return { code: 'state-conflict', detail: error.message, rule: error.rule };
  }
  if (error instanceof CommandOutcomeUnknownError) {
    return {
      code: 'command-outcome-unknown',
      status: COMMAND_UNKNOWN_STATUS[error.kind],
      detail: `${error.message}. It is not sent again: GET /reservations/${error.reservationId}?refresh=true shows what Front Payment did.`,
      reservationId: error.reservationId,
    };
  }
  if (error instanceof LambdaDeadlineError) {
    return {
      code: 'deadline-exceeded',
      detail: `${error.message}. Retry with the same Idempotency-Key to learn the outcome.`,
    };
  }
  if (error instanceof FrontPaymentRejectedError) {
    return { code: 'front-payment-rejected', detail: error.message, errors: error.errors };
  }
  if (error instanceof FrontPaymentAuthenticationError) {
    return {
      code: 'misconfigured',
      status: 502,
      detail: 'Front Payment refused our credentials: the integration is misconfigured',
    };
  }
  if (error instanceof FrontPaymentMisconfiguredError) {
    return {
      code: 'misconfigured',
      status: 502,
      detail:
        'Front Payment does not know the endpoint we called: the integration is misconfigured',
    };
  }
  if (error instanceof FrontPaymentTimeoutError) {
    return { code: 'front-payment-timeout', detail: error.message };
  }
  if (error instanceof FrontPaymentUnavailableError || error instanceof FrontPaymentProtocolError) {
    return { code: 'front-payment-unavailable', detail: error.message };
  }
  if (error instanceof ConfigurationError) {
    return { code: 'misconfigured', status: 500, detail: 'The integration is misconfigured' };
  }
  return { code: 'internal-error', detail: 'Internal error' };
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

/**
 * middy `onError` hook: the answer for any error, logged without request data. The merchant API
 * answers problem details; the callback route passes its own answers for Front Payment.
 */
export function httpErrorResponses(
  answerOf: (error: unknown) => APIGatewayProxyStructuredResultV2 = errorResponseOf,
): MiddlewareObj {
  return {
    onError: (request: Request) => {
      const response = answerOf(request.error);
      logError(request.error, response.statusCode ?? 500);
      request.response = response;
    },
  };
}

function logError(error: unknown, statusCode: number): void {
  const errorName = error instanceof Error ? error.name : typeof error;
  if (statusCode >= 500) {
    // Under `error`, not `message` (a line's own keys always win): the logger writes the Error's
    // name, message, stack and cause, so the operator sees why. Our errors' messages carry ids and
    // statuses, never request bodies or personal data.
    logger.error('request failed', {
      statusCode,
      errorName,
      ...(error instanceof Error ? { error } : {}),
    });
  } else logger.info('request refused', { statusCode, errorName });
}
