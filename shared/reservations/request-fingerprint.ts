import { createHash } from 'node:crypto';
import type { CreateReservationRequest } from './reservation-schema.ts';

/**
 * The sha256 of a validated request in canonical form: the schema's output (numbers as numbers,
 * absent optional fields as null, products as a list, defaults filled in) written as JSON with
 * every object's keys sorted. Two bodies that mean the same reservation get the same fingerprint,
 * whatever their key order, `"0"` or `0`, `1000` or `1000.00`.
 *
 * `dueDateForPaymentLink` is left out on purpose: clients often recompute it ("now + 1 day") when
 * they retry, and a retry is the same order. The session keeps the due date of the attempt that
 * created it.
 */
export function requestFingerprint(request: CreateReservationRequest): string {
  const { dueDateForPaymentLink: _recomputedOnRetry, ...order } = request;
  return createHash('sha256').update(canonicalJson(order)).digest('hex');
}

/** JSON with sorted object keys. Only for validated values: plain data of a bounded depth. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
