import { describe, expect, it } from 'vitest';
import { applyTransition, PAYMENT_STATUS_RANKS } from '#shared/callbacks/payment-status';
import { SESSION_STATUS_RANK } from '#shared/reservations/reservation-status';

const sessionCreated = { status: 'SESSION_CREATED', statusRank: SESSION_STATUS_RANK };
const reserved = { status: 'RESERVED', statusRank: PAYMENT_STATUS_RANKS.RESERVED };
const captured = { status: 'CAPTURED', statusRank: PAYMENT_STATUS_RANKS.CAPTURED };
const charged = { status: 'CHARGED', statusRank: PAYMENT_STATUS_RANKS.CHARGED };

const incoming = (status: keyof typeof PAYMENT_STATUS_RANKS) => status;

describe('applyTransition', () => {
  it('moves a session status to the first payment status', () => {
    expect(applyTransition(sessionCreated, incoming('RESERVED'))).toEqual({
      status: 'RESERVED',
      statusRank: PAYMENT_STATUS_RANKS.RESERVED,
      advanced: true,
    });
  });

  it('moves forward along RESERVED -> CAPTURED -> CHARGED', () => {
    expect(applyTransition(reserved, incoming('CAPTURED'))).toMatchObject({
      status: 'CAPTURED',
      advanced: true,
    });
    expect(applyTransition(captured, incoming('CHARGED'))).toMatchObject({
      status: 'CHARGED',
      advanced: true,
    });
  });

  it('may skip a status (a CHARGED before its CAPTURED arrived)', () => {
    expect(applyTransition(reserved, incoming('CHARGED'))).toMatchObject({
      status: 'CHARGED',
      advanced: true,
    });
  });

  it('never moves backwards: a late RESERVED after CAPTURED changes nothing', () => {
    expect(applyTransition(captured, incoming('RESERVED'))).toEqual({
      ...captured,
      advanced: false,
    });
    expect(applyTransition(charged, incoming('CAPTURED'))).toEqual({
      ...charged,
      advanced: false,
    });
  });

  it('keeps the status on an equal rank (a second partial capture, a repeated charge)', () => {
    expect(applyTransition(captured, incoming('CAPTURED'))).toEqual({
      ...captured,
      advanced: false,
    });
    expect(applyTransition(charged, incoming('CHARGED'))).toEqual({ ...charged, advanced: false });
  });
});
