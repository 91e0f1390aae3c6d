import { createHash } from 'node:crypto';

/**
 * Our reservation id, derived from the caller's identity and the `Idempotency-Key` only, so every
 * retry of one order by one caller lands on the same reservation record, which is the idempotency
 * record too, and two callers who happen to pick the same key never meet.
 */
export function reservationIdFor(caller: string, idempotencyKey: string): string {
  const digest = createHash('sha256')
    .update(caller)
    .update('\u0000')
    .update(idempotencyKey)
    .digest('hex');
  // Shaped like a UUID (version nibble 5, RFC 4122 variant) so every id looks alike.
  return [
    digest.slice(0, 8),
    digest.slice(8, 12),
    `5${digest.slice(13, 16)}`,
    ((Number.parseInt(digest.slice(16, 18), 16) & 0x3f) | 0x80).toString(16) + digest.slice(18, 20),
    digest.slice(20, 32),
  ].join('-');
}
