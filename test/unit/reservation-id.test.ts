import { describe, expect, it } from 'vitest';
import { reservationIdFor } from '#shared/reservations/reservation-id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('reservationIdFor', () => {
  it('derives the same id from the same key and body', () => {
    const first = reservationIdFor('key-1', { a: 1 });

    expect(first).toMatch(UUID);
    expect(reservationIdFor('key-1', { a: 1 })).toBe(first);
  });

  it('derives another id when the key or the body differs', () => {
    const first = reservationIdFor('key-1', { a: 1 });

    expect(reservationIdFor('key-2', { a: 1 })).not.toBe(first);
    expect(reservationIdFor('key-1', { a: 2 })).not.toBe(first);
  });

  it('is random without a key', () => {
    expect(reservationIdFor(undefined, { a: 1 })).not.toBe(reservationIdFor(undefined, { a: 1 }));
  });
});
