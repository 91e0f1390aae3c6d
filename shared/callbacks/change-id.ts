import { createHash } from 'node:crypto';
import type { PaymentStatus } from './payment-status.ts';

/** The facts that make a status change itself, as opposed to one delivery of it. */
export interface ChangeIdentity {
  readonly orderUuid: string;
  readonly status: PaymentStatus;
  /** Decimal text as Front Payment sent it, e.g. `100` or `100.00`. */
  readonly amount: string;
  /** Epoch seconds as text: when the change happened at Front Payment. */
  readonly createdAt: string;
}

/**
 * The deduplication key of a status change: sha256 hex of (orderUuid, normalised status, amount,
 * createdAt). Left out on purpose: `timestamp` (the send time, new on a resend), `checksum`
 * (depends on timestamp and formula), `paymentMethod` and the raw status spelling (the same
 * change described differently is still the same change). Amount and createdAt are put in
 * canonical form so `100` and `100.00` do not make two changes.
 */
export function changeIdOf(identity: ChangeIdentity): string {
  const canonical = JSON.stringify([
    identity.orderUuid,
    identity.status,
    canonicalDecimal(identity.amount),
    canonicalDigits(identity.createdAt),
  ]);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
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

/** `0100.50` → `100.5`; `100.00` → `100`. Works on the text, so no float rounding is involved. */
export function canonicalDecimal(amount: string): string {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(amount.trim());
  if (!match) throw new TypeError('amount must be a non-negative decimal number');
  const whole = (match[1] ?? '0').replace(/^0+(?=\d)/, '');
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole;
}

function canonicalDigits(digits: string): string {
  if (!/^\d+$/.test(digits)) throw new TypeError('createdAt must be digits');
  return digits.replace(/^0+(?=\d)/, '');
}
