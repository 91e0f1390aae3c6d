import { STATUS_CODES } from 'node:http';
import * as v from 'valibot';
import { PROBLEM_CONTENT_TYPE, type ProblemFieldError, ProblemSchema } from '../http/problem.ts';

/**
 * Problem details as a client reads them: any `code`, not only the ones this client knows, so a
 * newer API's code still arrives as a problem (callers fall back on `status` and `retryable`).
 */
const ReceivedProblemSchema = v.object({ ...ProblemSchema.entries, code: v.string() });

/** What every error of the client knows: which Idempotency-Key a retry of the operation must reuse. */
export class MerchantClientError extends Error {
  override readonly name: string = 'MerchantClientError';
  constructor(
    message: string,
    /** Absent for a read; for create and the commands, send it again to learn the outcome. */
    readonly idempotencyKey: string | undefined,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface MerchantApiErrorFields {
  readonly status: number;
  /** Stable and machine-readable: what a caller's code switches on. */
  readonly code: string;
  readonly type: string;
  readonly title: string;
  readonly detail: string;
  /** Whether the same request, with the same Idempotency-Key, may be sent again. */
  readonly retryable: boolean;
  readonly reservationId: string | undefined;
  readonly errors: readonly ProblemFieldError[];
  /** The answer was `application/problem+json`; otherwise the fields were read from another body. */
  readonly isProblem: boolean;
  /** API Gateway's request id (`apigw-requestid`), for support requests. */
  readonly requestId: string | undefined;
}

/** The API answered with an error: its problem details, as fields. */
export class MerchantApiError extends MerchantClientError implements MerchantApiErrorFields {
  override readonly name = 'MerchantApiError';
  readonly status: number;
  readonly code: string;
  readonly type: string;
  readonly title: string;
  readonly detail: string;
  readonly retryable: boolean;
  readonly reservationId: string | undefined;
  readonly errors: readonly ProblemFieldError[];
  readonly isProblem: boolean;
  readonly requestId: string | undefined;

  constructor(fields: MerchantApiErrorFields, idempotencyKey: string | undefined) {
    super(`${fields.status} ${fields.code}: ${fields.detail}`, idempotencyKey);
    this.status = fields.status;
    this.code = fields.code;
    this.type = fields.type;
    this.title = fields.title;
    this.detail = fields.detail;
    this.retryable = fields.retryable;
    this.reservationId = fields.reservationId;
    this.errors = fields.errors;
    this.isProblem = fields.isProblem;
    this.requestId = fields.requestId;
  }
}

/**
 * No answer came (the connection failed, or the attempt timed out) and the retries are used up:
 * the outcome is unknown to the client. The API knows it: the same call with the same
 * Idempotency-Key answers it without acting twice.
 */
export class MerchantApiUnreachableError extends MerchantClientError {
  override readonly name = 'MerchantApiUnreachableError';
}

/**
 * The error of a non-2xx answer. A `application/problem+json` body is read as it is; any other
 * body (API Gateway's own `{"message":"Forbidden"}`, an older `{message, retryable}`) gives what
 * it has, `http-STATUS` as the code, and `retryable: false` unless the body says otherwise.
 */
export function merchantApiErrorOf(
  status: number,
  headers: Headers,
  text: string,
  idempotencyKey: string | undefined,
): MerchantApiError {
  const requestId = headers.get('apigw-requestid') ?? undefined;
  const body = parseJson(text);
  const contentType = (headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (contentType === PROBLEM_CONTENT_TYPE) {
    const problem = v.safeParse(ReceivedProblemSchema, body);
    if (problem.success) {
      const { errors = [], reservationId, ...fields } = problem.output;
      return new MerchantApiError(
        { ...fields, reservationId, errors, isProblem: true, requestId },
        idempotencyKey,
      );
    }
  }
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const title = STATUS_CODES[status] ?? `HTTP ${status}`;
  return new MerchantApiError(
    {
      status,
      code: stringOf(record.code) ?? stringOf(record.rule) ?? `http-${status}`,
      type: 'about:blank',
      title,
      detail: stringOf(record.detail) ?? stringOf(record.message) ?? title,
      retryable: record.retryable === true,
      reservationId: stringOf(record.reservationId),
      errors: Array.isArray(record.errors) ? record.errors.filter(isFieldError) : [],
      isProblem: false,
      requestId,
    },
    idempotencyKey,
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function isFieldError(value: unknown): value is ProblemFieldError {
  const candidate = value as Partial<ProblemFieldError> | null;
  return typeof candidate?.path === 'string' && typeof candidate.message === 'string';
}
