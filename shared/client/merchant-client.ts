import { randomUUID } from 'node:crypto';
import type { CreatedReservation } from '../../functions/create-session/create-session.ts';
import type {
  CaptureInput,
  ChargeInput,
  CommandName,
  NoteInput,
  RefundInput,
  ResendInput,
} from '../commands/command-request.ts';
import type { ReservationView } from '../commands/reservation-view.ts';
import type { CommandAnswer } from '../commands/run-command.ts';
import type { CreateReservationRequestInput } from '../reservations/reservation-schema.ts';
import { type MerchantAuth, requestAuthorizerOf } from './request-auth.ts';
import { reservationLookups } from './reservation-lookups.ts';
import { DEFAULT_RETRY_OPTIONS, type RetryOptions } from './retry-policy.ts';
import { type RetryNotice, sendWithRetries } from './send-with-retries.ts';

export interface MerchantClientOptions {
  /** The API's base URL: the stack's `ApiUrl` output, or `http://127.0.0.1:3000` for `npm start`. */
  readonly baseUrl: string;
  readonly auth: MerchantAuth;
  /** @default DEFAULT_RETRY_OPTIONS */
  readonly retry?: Partial<RetryOptions>;
  /** One try's limit; a try cut off is retried like a network error. @default 35000 (API Gateway's own limit is 30 s) */
  readonly attemptTimeoutMs?: number;
  /** Told before each retry: log it, count it. */
  readonly onRetry?: (notice: RetryNotice) => void;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

/** Per call: the caller's own Idempotency-Key, e.g. its order id, kept across its restarts. */
export interface OperationOptions {
  /** @default a random UUID, made once for the call and reused by each of its retries */
  readonly idempotencyKey?: string;
}

export type MerchantClient = ReturnType<typeof createMerchantClient>;

/**
 * The merchant API as typed functions: bodies are typed from the schemas the handlers validate
 * with, answers from the handlers' answer types. Each call that acts (create, the commands) has
 * one Idempotency-Key for all its tries, so a retry is answered from the first try's record and
 * Front Payment is called once; errors are `MerchantApiError`s with the problem's fields.
 */
export function createMerchantClient(options: MerchantClientOptions) {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const send = sendWithRetries({
    authorize: requestAuthorizerOf(options.auth),
    retry: { ...DEFAULT_RETRY_OPTIONS, ...options.retry },
    attemptTimeoutMs: options.attemptTimeoutMs ?? 35_000,
    fetch: options.fetch ?? globalThis.fetch,
    ...(options.onRetry ? { onRetry: options.onRetry } : {}),
  });
  const reservationUrl = (reservationId: string, suffix = '') =>
    new URL(`${baseUrl}/reservations/${encodeURIComponent(reservationId)}${suffix}`);
  const command =
    <TBody>(name: CommandName) =>
    (reservationId: string, body: TBody, call: OperationOptions = {}) =>
      send<CommandAnswer>({
        method: 'POST',
        url: reservationUrl(reservationId, `/${name}`),
        body,
        idempotencyKey: call.idempotencyKey ?? randomUUID(),
      });

  return {
    /** `POST /reservations`: a checkout session at Front Payment; `paymentUrl` is for the customer. */
    createReservation: (body: CreateReservationRequestInput, call: OperationOptions = {}) =>
      send<CreatedReservation>({
        method: 'POST',
        url: new URL(`${baseUrl}/reservations`),
        body,
        idempotencyKey: call.idempotencyKey ?? randomUUID(),
      }),

    /** `GET /reservations/{id}`; `refresh` first reads Front Payment's details (the truth). */
    getReservation: (reservationId: string, read: { readonly refresh?: boolean } = {}) =>
      send<ReservationView>({
        method: 'GET',
        url: reservationUrl(reservationId, read.refresh ? '?refresh=true' : ''),
      }),

    /** `GET /reservations`: by uuid, by `referenceNo`, the recent list (see reservation-lookups). */
    ...reservationLookups(send, baseUrl),

    /** Captures an amount, product lines, or (with `{}`) everything still reserved. */
    capture: command<CaptureInput>('capture'),
    /** Charges the stored card for new products. */
    charge: command<ChargeInput>('charge'),
    cancel: command<NoteInput>('cancel'),
    complete: command<NoteInput>('complete'),
    /** Refunds an amount or product lines of a capture or charge. */
    refund: command<RefundInput>('refund'),
    /** Sends the payment link again, by email or SMS (the contact is passed on, never stored). */
    resend: command<ResendInput>('resend'),
  };
}
