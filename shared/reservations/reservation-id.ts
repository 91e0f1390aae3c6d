import { createHash, randomUUID } from 'node:crypto';

/**
 * Our reservation id. With an `Idempotency-Key` it is derived from the key and the request, so a
 * retry that outlives the idempotency record (or follows a crash mid-call) finds the reservation
 * the first attempt made instead of creating a second one. Without a key it is random.
 */
export function reservationIdFor(idempotencyKey: string | undefined, requestBody: unknown): string {
  if (!idempotencyKey) return randomUUID();
  const digest = createHash('sha256')
    .update(idempotencyKey)
    .update('\u0000')
    .update(JSON.stringify(requestBody))
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
