import { describe, expect, it } from 'vitest';
import { rankOfStatus } from '#shared/callbacks/payment-status';
import { statusAfter } from '#shared/callbacks/status-after';

const at = (status: string) => ({ status, statusRank: rankOfStatus(status) });

describe('statusAfter (the status is what the details say)', () => {
  it('takes the reported status for the last change of a read', () => {
    expect(statusAfter(at('CAPTURED'), 'REFUNDED', 'CAPTURED', true)).toEqual({
      status: 'CAPTURED',
      statusRank: rankOfStatus('CAPTURED'),
      advanced: false,
    });
    expect(statusAfter(at('CHARGED'), 'CAPTURED', 'CAPTURED', true).status).toBe('CAPTURED');
  });

  it('gives the changes before the last their own kind; a refund keeps what it found', () => {
    expect(statusAfter(at('SESSION_CREATED'), 'RESERVED', 'CHARGED', false).status).toBe(
      'RESERVED',
    );
    expect(statusAfter(at('CAPTURED'), 'REFUNDED', 'CAPTURED', false).status).toBe('CAPTURED');
  });

  it('never reopens a final status, and a change that ends the reservation is its own status', () => {
    expect(statusAfter(at('COMPLETED'), 'REFUNDED', 'COMPLETED', true).status).toBe('COMPLETED');
    expect(statusAfter(at('CAPTURED'), 'COMPLETED', 'COMPLETED', true)).toMatchObject({
      status: 'COMPLETED',
      advanced: true,
    });
  });

  it('falls back to the change itself when the details say a word we do not know', () => {
    expect(statusAfter(at('RESERVED'), 'CAPTURED', undefined, true).status).toBe('CAPTURED');
    expect(statusAfter(at('CAPTURED'), 'REFUNDED', undefined, true).status).toBe('CAPTURED');
  });

  it('reports REFUNDED only when Front Payment says so', () => {
    expect(statusAfter(at('CAPTURED'), 'REFUNDED', 'REFUNDED', true).status).toBe('REFUNDED');
  });
});
