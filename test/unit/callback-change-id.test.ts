import { describe, expect, it } from 'vitest';
import {
  type ChangeIdentity,
  canonicalDecimal,
  changeIdOf,
  eventIdOf,
} from '#shared/callbacks/change-id';

const captured: ChangeIdentity = {
  orderUuid: 'RES4161996022',
  status: 'CAPTURED',
  amount: '250.50',
  createdAt: '1755764131',
};

describe('changeIdOf (the deduplication key)', () => {
  it('is sha256 hex of the canonical (orderUuid, status, amount, createdAt)', () => {
    // printf '%s' '["RES4161996022","CAPTURED","250.5","1755764131"]' | sha256sum
    expect(changeIdOf(captured)).toBe(
      '43b4cf245049df64124f9c7e0ed77b40337e6a580acae44a8f6c08b79eff169d',
    );
  });

  it('is the same for the same notification delivered twice', () => {
    expect(changeIdOf({ ...captured })).toBe(changeIdOf(captured));
  });

  it('ignores how the amount and createdAt are written', () => {
    expect(changeIdOf({ ...captured, amount: '250.5' })).toBe(changeIdOf(captured));
    expect(changeIdOf({ ...captured, amount: '0250.500' })).toBe(changeIdOf(captured));
    expect(changeIdOf({ ...captured, createdAt: '01755764131' })).toBe(changeIdOf(captured));
  });

  it('tells apart two partial captures with different amounts or times', () => {
    expect(changeIdOf({ ...captured, amount: '100' })).not.toBe(changeIdOf(captured));
    expect(changeIdOf({ ...captured, createdAt: '1755764132' })).not.toBe(changeIdOf(captured));
  });

  it('tells apart statuses and reservations', () => {
    expect(changeIdOf({ ...captured, status: 'CHARGED' })).not.toBe(changeIdOf(captured));
    expect(changeIdOf({ ...captured, orderUuid: 'RES4161996023' })).not.toBe(changeIdOf(captured));
  });

  it('cannot be confused by field boundaries', () => {
    const a = changeIdOf({ ...captured, orderUuid: 'RES1', createdAt: '21755764131' });
    const b = changeIdOf({ ...captured, orderUuid: 'RES12', createdAt: '1755764131' });
    expect(a).not.toBe(b);
  });
});

describe('eventIdOf', () => {
  it('is a version 8 UUID derived from the change id, the same every time', () => {
    const changeId = changeIdOf(captured);
    const eventId = eventIdOf(changeId);

    expect(eventId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(eventIdOf(changeId)).toBe(eventId);
    expect(eventId.replaceAll('-', '').slice(0, 12)).toBe(changeId.slice(0, 12));
  });

  it('differs for different changes', () => {
    expect(eventIdOf(changeIdOf({ ...captured, amount: '1' }))).not.toBe(
      eventIdOf(changeIdOf(captured)),
    );
  });
});

describe('canonicalDecimal', () => {
  it.each([
    ['100', '100'],
    ['100.00', '100'],
    ['0100.50', '100.5'],
    ['0', '0'],
    ['0.000', '0'],
    ['0.05', '0.05'],
  ])('writes %s as %s', (input, expected) => {
    expect(canonicalDecimal(input)).toBe(expected);
  });

  it('refuses what is not a non-negative decimal', () => {
    expect(() => canonicalDecimal('-1')).toThrow(TypeError);
    expect(() => canonicalDecimal('1e3')).toThrow(TypeError);
  });
});
