import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { InputValidationError } from '#shared/errors';
import { problemOf } from '#shared/http/error-response';
import { jsonResponse } from '#shared/http/json-response';
import { PROBLEM_TYPES } from '#shared/http/problem-types';

/**
 * The callback's answer when it throws, read by Front Payment and not by merchants: plain JSON
 * as it always was (`{message, errors}` for a malformed path, `{message, retryable}` otherwise),
 * with the merchant API's status for the same error. A 5xx tells Front Payment to send it again.
 */
export function callbackErrorResponseOf(error: unknown): APIGatewayProxyStructuredResultV2 {
  if (error instanceof InputValidationError) {
    return jsonResponse(400, { message: error.message, errors: error.errors });
  }
  const { code, status, detail, headers } = problemOf(error);
  const problemType = PROBLEM_TYPES[code];
  return jsonResponse(
    status ?? problemType.statuses[0],
    { message: detail, retryable: problemType.retryable },
    headers,
  );
}
