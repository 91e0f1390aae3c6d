import {
  type ChecksumFormula,
  hasValidChecksum,
  type OrderedParameters,
  parseRawQuery,
} from '../front-payment/callback-checksum.ts';
import type { StructuredLog } from '../structured-log.ts';
import { SIGNED_CALLBACK_NOT_UNDERSTOOD } from './callback-log.ts';
import { type CallbackQuery, EPOCH_SECONDS, parseCallbackQuery } from './callback-query.ts';
import type { NormalisedStatus } from './payment-status.ts';

export interface CallbackVerification {
  /**
   * Readers of Front Payment's callback secret keys in use, in order: the current one and, while
   * the key is being rotated, the next one. A callback signed with either verifies; a key is read
   * only when the ones before it did not match, so a next key that cannot be read (Secrets Manager
   * throttled) never fails a callback signed with the current one.
   */
  readonly secrets: readonly (() => Promise<string>)[];
  readonly checksumFormula: ChecksumFormula;
  /** Refuse callbacks whose `timestamp` is further than this from now; off when absent. */
  readonly maxAgeSeconds?: number;
  readonly log: StructuredLog;
}

export type VerificationResult =
  | {
      readonly verified: true;
      /** Front Payment's reservation uuid (`orderUuid`) when it is readable; signed either way. */
      readonly reservationUuid: string | null;
      /** The parameters as documented, or undefined when they are not (unknown status, extra name). */
      readonly understood?: { readonly query: CallbackQuery; readonly status: NormalisedStatus };
    }
  /** Nothing tells the sender which check failed; the log does, for an operator. */
  | { readonly verified: false };

const REFUSED: VerificationResult = { verified: false };
const RESERVATION_UUID = /^[A-Z]+\d+$/;

/**
 * Accepts a callback whose checksum matches one of the secrets and, while the age check is on,
 * that carries exactly one `timestamp` (epoch seconds) inside the freshness window. A signed callback whose parameters are not exactly as documented is accepted
 * too but not understood: it is kept raw and confirmed through Front Payment's details like any
 * other (nothing in it is trusted beyond "look at this reservation"), and logged for the alarm.
 */
export async function verifyCallback(
  rawQueryString: string,
  receivedAt: Date,
  verification: CallbackVerification,
): Promise<VerificationResult> {
  const { log } = verification;
  const parameters = parseRawQuery(rawQueryString);

  const signed = await signedWithAny(parameters, verification);
  if (!signed) {
    log.warn('Callback refused: checksum missing or wrong', {
      parameterNames: parameters.map(([name]) => name),
    });
    return REFUSED;
  }

  if (verification.maxAgeSeconds !== undefined) {
    const refusal = ageRefusal(parameters, receivedAt, verification.maxAgeSeconds);
    if (refusal) {
      log.warn('Callback refused: timestamp missing, malformed or outside the accepted window', {
        reservationUuid: single(parameters, 'orderUuid'),
        ...refusal,
      });
      return REFUSED;
    }
  }

  const orderUuid = single(parameters, 'orderUuid');
  const reservationUuid = orderUuid && RESERVATION_UUID.test(orderUuid) ? orderUuid : null;
  const parsed = parseCallbackQuery(parameters);
  if (parsed.success) {
    return {
      verified: true,
      reservationUuid,
      understood: { query: parsed.query, status: parsed.status },
    };
  }
  const rawStatus = single(parameters, 'status') ?? '';
  log.warn(SIGNED_CALLBACK_NOT_UNDERSTOOD, {
    reservationUuid,
    fields: parsed.errors.map((error) => `${error.path}: ${error.message}`),
    // A status word we do not know yet is worth seeing; anything else is not echoed.
    ...(/^[A-Za-z ]{1,32}$/.test(rawStatus) ? { rawStatus } : {}),
  });
  return { verified: true, reservationUuid };
}

/**
 * Tries the secrets in order, reading each only when needed. When none matched but one could not
 * be read, the callback may have been signed with it: the read's error is thrown, so the callback
 * is answered 500 and sent again, never refused for our own outage.
 */
async function signedWithAny(
  parameters: OrderedParameters,
  verification: CallbackVerification,
): Promise<boolean> {
  let unreadable: unknown;
  for (const readSecret of verification.secrets) {
    let secret: string;
    try {
      secret = await readSecret();
    } catch (error) {
      unreadable ??= error;
      continue;
    }
    if (hasValidChecksum(parameters, secret, verification.checksumFormula)) return true;
  }
  if (unreadable !== undefined) throw unreadable;
  return false;
}

/**
 * Why the age check refuses these parameters, or undefined when it passes. It fails closed: the
 * checksum signs values, not names, so a `timestamp` renamed, dropped, repeated or of another shape
 * (`-1`, forty digits) must never skip the check. Exactly one `timestamp` of epoch seconds, no
 * further from now than `maxAgeSeconds` either way.
 */
function ageRefusal(
  parameters: OrderedParameters,
  receivedAt: Date,
  maxAgeSeconds: number,
): { readonly reason: string; readonly ageSeconds?: number } | undefined {
  const timestamps = parameters.filter(([name]) => name === 'timestamp');
  if (timestamps.length !== 1) return { reason: `${timestamps.length} timestamps` };
  const timestamp = timestamps[0]?.[1] ?? '';
  if (!EPOCH_SECONDS.test(timestamp)) return { reason: 'timestamp is not epoch seconds' };
  const ageSeconds = Math.round(receivedAt.getTime() / 1000 - Number(timestamp));
  if (Math.abs(ageSeconds) > maxAgeSeconds) return { reason: 'outside the window', ageSeconds };
  return undefined;
}

/** The value of a parameter given exactly once; undefined when absent or repeated. */
function single(parameters: OrderedParameters, name: string): string | undefined {
  const values = parameters.filter(([parameter]) => parameter === name);
  return values.length === 1 ? values[0]?.[1] : undefined;
}
