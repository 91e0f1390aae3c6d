import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { FieldError } from '../errors.ts';
import { PROBLEM_CONTENT_TYPE, type Problem } from './problem.ts';
import { PROBLEM_TYPES, type ProblemCode, problemTypeOf } from './problem-types.ts';

/** What varies per answer; type, title and retryable come from the code. */
export interface ProblemDetails {
  readonly detail: string;
  /** @default the code's usual status */
  readonly status?: number;
  readonly reservationId?: string | undefined;
  readonly rule?: string | undefined;
  readonly errors?: readonly FieldError[];
  readonly headers?: Readonly<Record<string, string>>;
}

/** An RFC 9457 answer (`application/problem+json`) for API Gateway's HTTP API (payload 2.0). */
export function problemResponse(
  code: ProblemCode,
  { detail, status, reservationId, rule, errors, headers = {} }: ProblemDetails,
): APIGatewayProxyStructuredResultV2 {
  const problemType = PROBLEM_TYPES[code];
  const problem: Problem = {
    type: problemTypeOf(code),
    title: problemType.title,
    status: status ?? problemType.statuses[0],
    detail,
    code,
    retryable: problemType.retryable,
    ...(reservationId === undefined ? {} : { reservationId }),
    ...(rule === undefined ? {} : { rule }),
    ...(errors === undefined
      ? {}
      : { errors: errors.map(({ path, message }) => ({ path, message })) }),
  };
  return {
    statusCode: problem.status,
    headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...headers },
    body: JSON.stringify(problem),
  };
}
