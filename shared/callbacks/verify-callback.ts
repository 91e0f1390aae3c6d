import type { StructuredLog } from '../events/structured-log.ts';
import {
  type ChecksumFormula,
  hasValidChecksum,
  parseRawQuery,
} from '../front-payment/callback-checksum.ts';
import { type CallbackQuery, parseCallbackQuery } from './callback-query.ts';
import type { NormalisedStatus } from './payment-status.ts';

export interface CallbackVerification {
  /** Front Payment's callback secret key. */
  readonly secret: () => Promise<string>;
  readonly checksumFormula: ChecksumFormula;
  /** Refuse callbacks whose `timestamp` is further than this from now; off when absent. */
  readonly maxAgeSeconds?: number;
  readonly log: StructuredLog;
}

export type VerificationResult =
  | { readonly verified: true; readonly query: CallbackQuery; readonly status: NormalisedStatus }
  /** Nothing tells the sender which check failed; the log does, for an operator. */
  | { readonly verified: false };

const REFUSED: VerificationResult = { verified: false };

/**
 * Accepts a callback only when it is exactly what Front Payment sends: a checksum that matches,
 * the documented parameters in their documented formats (see `callback-query.ts` for why a
 * matching checksum alone proves too little), and a `timestamp` inside the freshness window.
 */
export async function verifyCallback(
  rawQueryString: string,
  receivedAt: Date,
  verification: CallbackVerification,
): Promise<VerificationResult> {
  const { log } = verification;
  const parameters = parseRawQuery(rawQueryString);

  const secret = await verification.secret();
  if (!hasValidChecksum(parameters, secret, verification.checksumFormula)) {
    log.warn('Callback refused: checksum missing or wrong', {
      parameterNames: parameters.map(([name]) => name),
    });
    return REFUSED;
  }

  const parsed = parseCallbackQuery(parameters);
  if (!parsed.success) {
    const rawStatus = parameters.find(([name]) => name === 'status')?.[1] ?? '';
    log.warn('Callback refused: parameters not as Front Payment documents them', {
      fields: parsed.errors.map((error) => `${error.path}: ${error.message}`),
      // A status word we do not know yet is worth seeing; anything else is not echoed.
      ...(/^[A-Za-z]{1,32}$/.test(rawStatus) ? { rawStatus } : {}),
    });
    return REFUSED;
  }
  const { query, status } = parsed;

  if (verification.maxAgeSeconds !== undefined) {
    const ageSeconds = receivedAt.getTime() / 1000 - Number(query.timestamp);
    if (Math.abs(ageSeconds) > verification.maxAgeSeconds) {
      log.warn('Callback refused: timestamp outside the accepted window', {
        orderUuid: query.orderUuid,
        ageSeconds: Math.round(ageSeconds),
      });
      return REFUSED;
    }
  }
  return { verified: true, query, status };
}
