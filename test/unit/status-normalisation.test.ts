import { describe, expect, it } from 'vitest';
import {
  normalisePaymentStatus,
  PAYMENT_STATUS_RANKS,
  rankOfStatus,
} from '#shared/callbacks/payment-status';
import { SESSION_STATUS_RANK, SESSION_STATUSES } from '#shared/reservations/reservation-status';

describe('normalisePaymentStatus', () => {
  it.each([
    ['RESERVED', 'RESERVED'],
    ['Reserved', 'RESERVED'],
    ['reserved', 'RESERVED'],
    ['RESEVRED', 'RESERVED'],
    ['Resevred', 'RESERVED'],
    ['Captured', 'CAPTURED'],
    ['CHARGED', 'CHARGED'],
    ['paid', 'PAID'],
    ['Invoiced', 'INVOICED'],
    [' CAPTURED ', 'CAPTURED'],
  ])('reads %j as %s and keeps the raw value', (raw, expected) => {
    expect(normalisePaymentStatus(raw)).toEqual({
      status: expected,
      rank: PAYMENT_STATUS_RANKS[expected as keyof typeof PAYMENT_STATUS_RANKS],
      rawStatus: raw,
    });
  });

  it.each(['success', 'SHIPPED', '', 'RESERVE', 'toString', 'constructor'])(
    'does not guess at %j',
    (raw) => {
      expect(normalisePaymentStatus(raw)).toBeUndefined();
    },
  );
});

describe('status ranks', () => {
  it('orders RESERVED < CAPTURED < CHARGED, with every session status below them', () => {
    expect(rankOfStatus('RESERVED')).toBeLessThan(rankOfStatus('CAPTURED'));
    expect(rankOfStatus('CAPTURED')).toBeLessThan(rankOfStatus('CHARGED'));
    for (const sessionStatus of Object.values(SESSION_STATUSES)) {
      expect(rankOfStatus(sessionStatus)).toBe(SESSION_STATUS_RANK);
    }
    expect(Math.min(...Object.values(PAYMENT_STATUS_RANKS))).toBeGreaterThan(SESSION_STATUS_RANK);
  });

  it('places INVOICED between RESERVED and CAPTURED and PAID above CHARGED', () => {
    expect(rankOfStatus('INVOICED')).toBeGreaterThan(rankOfStatus('RESERVED'));
    expect(rankOfStatus('INVOICED')).toBeLessThan(rankOfStatus('CAPTURED'));
    expect(rankOfStatus('PAID')).toBeGreaterThan(rankOfStatus('CHARGED'));
  });
});
