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
import { toCents } from '../money.ts';
import type { FrontPaymentCreateReservationPayload } from '../reservations/front-payment-payload.ts';
import {
  type CreatedSession,
  CreatedSessionSchema,
  ErrorEnvelopeSchema,
  fieldErrorsOf,
  SuccessEnvelopeSchema,
} from './envelope.ts';
import { type HistoryRefund, refundsInHistory } from './history-refunds.ts';
import { type ReservationDetails, ReservationDetailsSchema } from './reservation-details.ts';
import { type ReservationHistoryEntry, ReservationHistorySchema } from './reservation-history.ts';

export interface FrontPaymentClientOptions {
  /** e.g. `https://demo-api.frontpayment.no`, without a trailing slash. */
  readonly baseUrl: string;
  /** Resolves the bearer token; called per request so a rotated secret is picked up. */
  readonly token: () => Promise<string>;
  /** Every call is abandoned after this long, so a slow Front Payment cannot hold the Lambda. */
  readonly timeoutMs: number;
}

export interface FrontPaymentClient {
  /**
   * The bearer token, read before anything is recorded: a secret that cannot be read fails the
   * request while nothing is stored (`ConfigurationError`).
   */
  readToken(): Promise<string>;
  /** POST reservations/create with a token from `readToken`: the checkout session to pay in. */
  createReservationSession(
    payload: FrontPaymentCreateReservationPayload,
    token: string,
  ): Promise<CreatedSession>;
  /**
   * GET reservations/details/{uuid}: Front Payment's own view of a reservation, without the
   * customer's personal data. `timeoutMs` shortens the client's timeout for this call. When
   * something was refunded, the refunds are itemised from GET reservations/history too (a
   * second call, see `history-refunds.ts`).
   */
  getReservationDetails(
    reservationUuid: string,
    options?: { readonly timeoutMs?: number },
  ): Promise<ReservationDetails>;
  /**
   * GET reservations/history/{start}/{end}: every event of every reservation in the window
   * (whole seconds), so the reconciler can list candidate uuids.
   */
  getReservationHistory(
    start: Date,
    end: Date,
    options?: { readonly timeoutMs?: number },
  ): Promise<ReservationHistoryEntry[]>;
  /**
   * POST reservations/{command}/{uuid}: a change at Front Payment (capture, charge, cancel,
   * complete, refund, resend). Resolves with the CAP…/CHA… id when the answer carries one.
   */
  sendCommand(
    command: FrontPaymentCommand,
    reservationUuid: string,
    body: object,
  ): Promise<CommandAccepted>;
}

export type FrontPaymentCommand =
  | 'capture'
  | 'charge'
  | 'cancel'
  | 'complete'
  | 'refund'
  | 'resend';

export interface CommandAccepted {
  /** `data.uuid` (CAP…, CHA…) of a capture or charge; null for the others. */
  readonly reference: string | null;
}

/** The answer's `data`: documented as `uuid`; older answers name it after the command. */
const CommandAnswerSchema = v.nullish(
  v.looseObject({
    uuid: v.optional(v.string()),
    captureUuid: v.optional(v.string()),
    chargeUuid: v.optional(v.string()),
  }),
);

const CONNECT_PATH = '/api/v1/connect';

export function createFrontPaymentClient(options: FrontPaymentClientOptions): FrontPaymentClient {
  return {
    readToken: () => readToken(options),
    async createReservationSession(payload, token) {
      const data = await sendRequest(options, token, {
        method: 'POST',
        path: `${CONNECT_PATH}/reservations/create`,
        body: payload,
        // A 404 on create means our base URL is wrong, not that the reservation is unknown.
        notFound: 'misconfigured',
      });
      return parseData(CreatedSessionSchema, data, 'reservations/create');
    },
    async getReservationDetails(reservationUuid, { timeoutMs } = {}) {
      const data = await sendRequest(withTimeout(options, timeoutMs), await readToken(options), {
        method: 'GET',
        path: `${CONNECT_PATH}/reservations/details/${encodeURIComponent(reservationUuid)}`,
        notFound: 'rejected',
      });
      const details = parseData(ReservationDetailsSchema, data, 'reservations/details');
      const history = (start: Date, end: Date) => readHistory(options, start, end, timeoutMs);
      return { ...details, refunds: await readRefunds(details, history) };
    },
    getReservationHistory: (start, end, { timeoutMs } = {}) =>
      readHistory(options, start, end, timeoutMs),
    async sendCommand(command, reservationUuid, body) {
      const data = await sendRequest(options, await readToken(options), {
        method: 'POST',
        path: `${CONNECT_PATH}/reservations/${command}/${encodeURIComponent(reservationUuid)}`,
        body,
        notFound: 'rejected',
      });
      const answer = parseData(CommandAnswerSchema, data, `reservations/${command}`);
      return { reference: answer?.uuid ?? answer?.captureUuid ?? answer?.chargeUuid ?? null };
    },
  };
}

async function readHistory(
  options: FrontPaymentClientOptions,
  start: Date,
  end: Date,
  timeoutMs: number | undefined,
): Promise<ReservationHistoryEntry[]> {
  const seconds = (at: Date) => Math.floor(at.getTime() / 1000);
  const data = await sendRequest(withTimeout(options, timeoutMs), await readToken(options), {
    method: 'GET',
    path: `${CONNECT_PATH}/reservations/history/${seconds(start)}/${seconds(end)}`,
    notFound: 'misconfigured',
  });
  return parseData(ReservationHistorySchema, data, 'reservations/history');
}

/**
 * The details sum refunds per source; the history lists them one by one. Read only when
 * something was refunded. A failed read leaves them unread (null): they are recorded from a
 * later read, never as one sum.
 */
async function readRefunds(
  details: ReservationDetails,
  history: (start: Date, end: Date) => Promise<ReservationHistoryEntry[]>,
): Promise<HistoryRefund[] | null> {
  const refunded = toCents(details.refundedFromCaptured) + toCents(details.refundedFromCharge);
  if (refunded === 0) return [];
  const window = refundWindow(details, new Date());
  if (!window) return null;
  try {
    return refundsInHistory(await history(window.start, window.end), details.reservationUuid);
  } catch {
    return null;
  }
}

/** History times have minutes only and no zone: an hour of margin on each side. */
const HISTORY_MARGIN_MS = 60 * 60 * 1000;

/** From when the reservation was paid (nothing can be refunded before) until now. */
function refundWindow(details: ReservationDetails, now: Date) {
  const since = details.reservedAt ?? details.orderCreatedAt;
  if (since === null) return undefined;
  return {
    start: new Date(Date.parse(since) - HISTORY_MARGIN_MS),
    end: new Date(now.getTime() + HISTORY_MARGIN_MS),
  };
}

/** The client's options with `timeoutMs` shortened for one call. */
function withTimeout(
  options: FrontPaymentClientOptions,
  timeoutMs: number | undefined,
): FrontPaymentClientOptions {
  return timeoutMs === undefined
    ? options
    : { ...options, timeoutMs: Math.min(timeoutMs, options.timeoutMs) };
}

interface FrontPaymentRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: object;
  /** What Front Payment's 404 means for this call. */
  readonly notFound: 'misconfigured' | 'rejected';
}

async function sendRequest(
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
async function readToken(options: FrontPaymentClientOptions): Promise<string> {
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

function parseData<TSchema extends v.GenericSchema>(
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
