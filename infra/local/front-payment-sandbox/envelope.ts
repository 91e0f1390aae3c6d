import type { FieldErrors } from './laravel-rules.ts';
import type { SandboxQuirks } from './types.ts';

/**
 * Front Payment's answers: `{status_code, status_message, message, is_data, data}` on success and
 * `{status_code, status_message, message, is_error, errors}` on failure, `status_code` equal to the
 * HTTP status. Texts follow Front Payment's documentation (docs/front-payment.md).
 */
export interface Envelope {
  readonly statusCode: number;
  readonly body: Readonly<Record<string, unknown>>;
}

export function success(statusCode: 200 | 201 | 202, message: string, data: unknown): Envelope {
  return {
    statusCode,
    body: {
      status_code: statusCode,
      status_message: statusCode === 202 ? 'Accepted' : 'OK',
      message,
      is_data: true,
      data,
    },
  };
}

function failure(
  statusCode: number,
  statusMessage: string,
  message: string,
  errors: unknown,
): Envelope {
  return {
    statusCode,
    body: {
      status_code: statusCode,
      status_message: statusMessage,
      message,
      is_error: true,
      errors,
    },
  };
}

export const unauthorized = (): Envelope =>
  failure(401, 'Unauthorized', 'unauthenticated', ['Missing or invalid bearer token.']);

export const reservationNotFound = (): Envelope =>
  failure(404, 'Not Found', 'reservationNotFound', []);

export const routeNotFound = (): Envelope => failure(404, 'Not Found', 'routeNotFound', []);

export const methodNotAllowed = (): Envelope =>
  failure(405, 'Method Not Allowed', 'methodNotAllowed', []);

/** A business conflict, e.g. `reservationStatusAlreadyCancelled`. */
export const badRequest = (message: string, errors: readonly string[]): Envelope =>
  failure(400, 'Bad Request', message, errors);

/** A refusal with a 422, as some Laravel APIs answer validation failures. */
export const invalidRequest = (errors: readonly string[]): Envelope =>
  failure(422, 'Unprocessable Content', 'invalidRequest', errors);

export const forbidden = (): Envelope =>
  failure(403, 'Forbidden', 'forbidden', ['This token may not use this endpoint.']);

export const requestTimeout = (): Envelope =>
  failure(408, 'Request Timeout', 'requestTimeout', ['The request was not received in time.']);

export const tooManyRequests = (): Envelope =>
  failure(429, 'Too Many Requests', 'tooManyAttempts', ['Too many requests, retry later.']);

export const serviceUnavailable = (): Envelope =>
  failure(503, 'Service Unavailable', 'serviceUnavailable', ['Down for maintenance.']);

export const malformedJson = (): Envelope =>
  failure(400, 'Bad Request', 'malformedJsonPayload', ['The request body is not valid JSON.']);

export const payloadTooLarge = (limitBytes: number): Envelope =>
  failure(413, 'Payload Too Large', 'payloadTooLarge', [
    `The request body is larger than ${limitBytes} bytes.`,
  ]);

export function validationFailed(
  errors: FieldErrors,
  style: SandboxQuirks['validationErrorStyle'],
): Envelope {
  return style === 'keyed'
    ? failure(417, 'Expectation Failed', 'payloadValidationErrors', errors)
    : failure(417, 'Client Error', 'payloadValidationErrors', Object.values(errors).flat());
}

export function internalError(details: readonly string[], now: Date): Envelope {
  return failure(500, 'Internal Dependency Error', 'internalErrorOccurredPleaseTryAgainLater', {
    happenedAt: laravelDateTime(now),
    internalErrorDetails: details,
  });
}

export const paymentGatewayError = (): Envelope =>
  failure(
    510,
    'Internal Dependency Error',
    'Payment Gateway Error: Failed to Create Checkout Session',
    ['Payment Gateway Error(Submit Payment): Failed to Create Checkout Session At: PAR156'],
  );

/** `2025-07-15 19:42:28`, UTC. */
function laravelDateTime(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}
