import { createHash } from 'node:crypto';

/**
 * The deduplication key of a change: sha256 hex of (Front Payment's reservation uuid, the change's
 * identity at Front Payment, see `movements.ts`). Nothing from a callback's own fields is part of
 * it: resends, duplicates and callbacks in any order name the same changes.
 */
export function changeIdOf(reservationUuid: string, identity: string): string {
  return createHash('sha256')
    .update(JSON.stringify([reservationUuid, identity]), 'utf8')
    .digest('hex');
}

/**
 * The event id consumers deduplicate on, derived from the change id so every publication of one
 * change carries the same id. Shaped as an RFC 9562 version 8 (custom) UUID.
 */
export function eventIdOf(changeId: string): string {
  if (!/^[0-9a-f]{32,}$/.test(changeId)) throw new TypeError('changeId must be lowercase hex');
  const hex = changeId.slice(0, 32).split('');
  hex[12] = '8';
  // The variant nibble is 10xx in binary: keep the low two bits of the hash.
  hex[16] = ((Number.parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  const text = hex.join('');
  return [
    text.slice(0, 8),
    text.slice(8, 12),
    text.slice(12, 16),
    text.slice(16, 20),
    text.slice(20, 32),
  ].join('-');
}
