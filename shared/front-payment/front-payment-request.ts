import * as v from 'valibot';
import {
  ConfigurationError,
  FrontPaymentAuthenticationError,
  FrontPaymentInterruptedError,
  FrontPaymentMisconfiguredError,
  FrontPaymentProtocolError,
  FrontPaymentRejectedError,
  FrontPaymentServerError,
  FrontPaymentTimeoutError,
  FrontPaymentUnavailableError,
} from '../errors.ts';
import { ErrorEnvelopeSchema, fieldErrorsOf, SuccessEnvelopeSchema } from './envelope.ts';

/**
 * One call to Front Payment's Connect API: the bearer token, the timeout, the envelope, and what
 * each failure tells about whether Front Payment acted. The calls themselves are in
 * `front-payment-client.ts` and `session-client.ts`.
 */

export interface FrontPaymentClientOptions {
  /** e.g. `https://demo-api.frontpayment.no`, without a trailing slash. */
  readonly baseUrl: string;
  /** Resolves the bearer token; called per request so a rotated secret is picked up. */
  readonly token: () => Promise<string>;
  /** Every call is abandoned after this long, so a slow Front Payment cannot hold the Lambda. */
  readonly timeoutMs: number;
}

/** Where every Connect endpoint sits under the base URL. */
export const CONNECT_PATH = '/api/v1/connect';

/** The client's options with `timeoutMs` shortened for one call. */
export function withTimeout(
  options: FrontPaymentClientOptions,
  timeoutMs: number | undefined,
): FrontPaymentClientOptions {
  return timeoutMs === undefined
    ? options
    : { ...options, timeoutMs: Math.min(timeoutMs, options.timeoutMs) };
}

export interface FrontPaymentRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: object;
  /** What Front Payment's 404 means for this call. */
  readonly notFound: 'misconfigured' | 'rejected';
}

export async function sendRequest(
  options: FrontPaymentClientOptions,
  token: string,
  { method, path, body, notFound }: FrontPaymentRequest,
): Promise<unknown> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${options.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    // The timeout covers the body too: a server that stalls mid-answer is as slow as a silent one.
    text = await response.text();
  } catch (error) {
    throw transportError(error, options.timeoutMs);
  }
  const json = parseJson(text);
  if (response.ok) {
    const envelope = v.safeParse(SuccessEnvelopeSchema, json);
    if (!envelope.success) {
      throw new FrontPaymentProtocolError(`Front Payment answered ${path} without its envelope`);
    }
    return envelope.output.data;
  }
  throw errorFromResponse(response.status, json, notFound);
}

/**
 * Front Payment's answers, sorted by what they tell about "was anything done?" (the answer table
 * in docs/create-session.md): 4xx and 503 mean it refused before acting; 500, 502, 504, 510 and
 * every other 5xx may come after it acted (`FrontPaymentServerError`).
 */
function errorFromResponse(
  statusCode: number,
  json: unknown,
  notFound: FrontPaymentRequest['notFound'],
): Error {
  const envelope = v.safeParse(ErrorEnvelopeSchema, json);
  const message = envelope.success ? envelope.output.message : undefined;
  if (statusCode === 401 || statusCode === 403) {
    // Never repeat what Front Payment said about the token: it may quote it.
    return new FrontPaymentAuthenticationError(
      `Front Payment refused the integration's credentials (HTTP ${statusCode})`,
    );
  }
  if (statusCode === 404 && notFound === 'misconfigured') {
    return new FrontPaymentMisconfiguredError(
      'Front Payment does not know the endpoint we called (HTTP 404): check FRONT_PAYMENT_BASE_URL',
    );
  }
  // 408: it gave up waiting for our request; 429 and 503: it refused to take it on.
  if (statusCode === 408 || statusCode === 429 || statusCode === 503) {
    return new FrontPaymentUnavailableError(
      `Front Payment asked us to slow down or try again (HTTP ${statusCode})`,
    );
  }
  if (statusCode >= 400 && statusCode < 500) {
    const errors = envelope.success ? fieldErrorsOf(envelope.output.errors) : [];
    return new FrontPaymentRejectedError(
      `Front Payment rejected the request (HTTP ${statusCode}${message ? `: ${message}` : ''})`,
      errors,
    );
  }
  if (statusCode >= 500) {
    return new FrontPaymentServerError(
      `Front Payment failed (HTTP ${statusCode}${message ? `: ${message}` : ''})`,
      statusCode,
    );
  }
  // 1xx and 3xx (fetch follows redirects): nothing we understand.
  return new FrontPaymentProtocolError(`Front Payment answered with HTTP ${statusCode}`);
}

function transportError(error: unknown, timeoutMs: number): Error {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return new FrontPaymentTimeoutError(`Front Payment did not answer within ${timeoutMs} ms`, {
      cause: error,
    });
  }
  if (NOT_SENT_CODES.has(networkErrorCode(error) ?? '')) {
    return new FrontPaymentUnavailableError('Front Payment could not be reached', { cause: error });
  }
  return new FrontPaymentInterruptedError('The connection to Front Payment broke', {
    cause: error,
  });
}

/** Network errors that happen before a request leaves this machine: Front Payment saw nothing. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** fetch (undici) reports the system error code on `cause`. */
function networkErrorCode(error: unknown): string | undefined {
  const cause =
    error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

/** A token that cannot be read is our configuration's fault, and Front Payment saw nothing. */
export async function readToken(options: FrontPaymentClientOptions): Promise<string> {
  try {
    return await options.token();
  } catch (error) {
    const name = error instanceof Error ? error.name : typeof error;
    throw new ConfigurationError(`The Front Payment token could not be read (${name})`, {
      cause: error,
    });
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function parseData<TSchema extends v.GenericSchema>(
  schema: TSchema,
  data: unknown,
  operation: string,
): v.InferOutput<TSchema> {
  const result = v.safeParse(schema, data);
  if (!result.success) {
    throw new FrontPaymentProtocolError(
      `Front Payment's ${operation} answer lacks expected fields`,
    );
  }
  return result.output;
}
