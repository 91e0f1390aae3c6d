import * as v from 'valibot';
import { toCents } from '../money.ts';
import type { FrontPaymentCreateReservationPayload } from '../reservations/front-payment-payload.ts';
import type { CreatedSession } from './envelope.ts';
import {
  CONNECT_PATH,
  type FrontPaymentClientOptions,
  parseData,
  readToken,
  sendRequest,
  withTimeout,
} from './front-payment-request.ts';
import { type HistoryRefund, refundsInHistory } from './history-refunds.ts';
import { type ReservationDetails, ReservationDetailsSchema } from './reservation-details.ts';
import { type ReservationHistoryEntry, ReservationHistorySchema } from './reservation-history.ts';
import { createSessionClient } from './session-client.ts';

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

export function createFrontPaymentClient(options: FrontPaymentClientOptions): FrontPaymentClient {
  return {
    ...createSessionClient(options),
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
