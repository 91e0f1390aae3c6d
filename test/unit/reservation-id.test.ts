import { describe, expect, it } from 'vitest';
import { reservationIdFor } from '#shared/reservations/reservation-id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('reservationIdFor', () => {
  it('derives the same id from the same caller and key', () => {
    const first = reservationIdFor('iam:arn:aws:iam::1:role/a', 'key-1');

    expect(first).toMatch(UUID);
    expect(reservationIdFor('iam:arn:aws:iam::1:role/a', 'key-1')).toBe(first);
  });

  it('derives another id for another key, and for another caller with the same key', () => {
    const first = reservationIdFor('jwt:client-a', 'key-1');

    expect(reservationIdFor('jwt:client-a', 'key-2')).not.toBe(first);
    expect(reservationIdFor('jwt:client-b', 'key-1')).not.toBe(first);
  });
});
