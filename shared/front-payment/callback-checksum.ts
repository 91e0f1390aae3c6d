import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * How Front Payment computes a callback's checksum. Its documentation changed over time, so the
 * formula is configuration; `all-parameters` is the current one.
 * - `all-parameters`: the values of every query parameter except `checksum`, URL-decoded, in the
 *   order received, then the secret key.
 * - `order-status-created`: orderUuid, status, createdAt, then the secret key.
 * - `order-status-created-amount-timestamp`: orderUuid, status, createdAt, amount, timestamp, then
 *   the secret key.
 */
export const CHECKSUM_FORMULAS = [
  'all-parameters',
  'order-status-created',
  'order-status-created-amount-timestamp',
] as const;
export type ChecksumFormula = (typeof CHECKSUM_FORMULAS)[number];

const FIXED_FIELDS: Record<Exclude<ChecksumFormula, 'all-parameters'>, readonly string[]> = {
  'order-status-created': ['orderUuid', 'status', 'createdAt'],
  'order-status-created-amount-timestamp': [
    'orderUuid',
    'status',
    'createdAt',
    'amount',
    'timestamp',
  ],
};

/** Query parameters as received: order and repeats kept, values URL-decoded. */
export type OrderedParameters = readonly (readonly [name: string, value: string])[];

/** Reads a raw query string (`a=1&b=2`) without losing the order the sender used. */
export function parseRawQuery(rawQueryString: string): OrderedParameters {
  return [...new URLSearchParams(rawQueryString)];
}

/** The lowercase sha256 hex checksum Front Payment sends for these parameters. */
export function computeChecksum(
  parameters: OrderedParameters,
  secretKey: string,
  formula: ChecksumFormula = 'all-parameters',
): string {
  const values =
    formula === 'all-parameters'
      ? parameters.filter(([name]) => name !== 'checksum').map(([, value]) => value)
      : FIXED_FIELDS[formula].map((field) => parameterValue(parameters, field) ?? '');
  return createHash('sha256')
    .update(values.join('') + secretKey, 'utf8')
    .digest('hex');
}

/**
 * True when the parameters carry exactly one `checksum` and it matches. Compared in constant time;
 * the caller learns nothing about which part failed.
 */
export function hasValidChecksum(
  parameters: OrderedParameters,
  secretKey: string,
  formula: ChecksumFormula = 'all-parameters',
): boolean {
  const received = parameters.filter(([name]) => name === 'checksum');
  if (received.length !== 1) return false;
  const expected = computeChecksum(parameters, secretKey, formula);
  const actual = (received[0]?.[1] ?? '').toLowerCase();
  // Digests of both sides have equal length, so the comparison takes the same time for any input.
  return timingSafeEqual(digest(actual), digest(expected));
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

function parameterValue(parameters: OrderedParameters, name: string): string | undefined {
  return parameters.find(([parameterName]) => parameterName === name)?.[1];
}
