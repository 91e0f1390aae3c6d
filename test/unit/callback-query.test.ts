import { describe, expect, it } from 'vitest';
import { parseCallbackQuery } from '#shared/callbacks/callback-query';
import { parseRawQuery } from '#shared/front-payment/callback-checksum';

const CHECKSUM = 'ab'.repeat(32);
const VALID = `orderUuid=RES4161996022&status=Captured&createdAt=1755764131&paymentMethod=Visa&amount=250.50&timestamp=1755764200&checksum=${CHECKSUM}`;

function parse(rawQuery: string) {
  return parseCallbackQuery(parseRawQuery(rawQuery));
}

function failingPaths(rawQuery: string): string[] {
  const result = parse(rawQuery);
  return result.success ? [] : result.errors.map((error) => error.path);
}

describe('parseCallbackQuery', () => {
  it('reads the documented parameters as text and keeps extra ones', () => {
    const result = parse(`ref=abc&${VALID}`);

    expect(result).toEqual({
      success: true,
      query: {
        ref: 'abc',
        orderUuid: 'RES4161996022',
        status: 'Captured',
        createdAt: '1755764131',
        paymentMethod: 'Visa',
        amount: '250.50',
        timestamp: '1755764200',
        checksum: CHECKSUM,
      },
    });
  });

  it('accepts a callback without paymentMethod', () => {
    expect(parse(VALID.replace('&paymentMethod=Visa', '')).success).toBe(true);
  });

  it('names every missing parameter', () => {
    expect(failingPaths(`checksum=${CHECKSUM}`).sort()).toEqual(
      ['amount', 'createdAt', 'orderUuid', 'status', 'timestamp'].sort(),
    );
  });

  it.each([
    ['amount', 'amount=-1'],
    ['amount', 'amount=1e3'],
    ['amount', 'amount=12,50'],
    ['createdAt', 'createdAt=2025-08-21'],
    ['createdAt', 'createdAt=17557641310000'],
    ['timestamp', 'timestamp=soon'],
    ['orderUuid', 'orderUuid=RES%2F..%2Fx'],
    ['checksum', 'checksum=xyz'],
  ])('refuses a malformed %s (%s)', (path, replacement) => {
    const name = replacement.split('=')[0] ?? '';
    const rawQuery = VALID.replace(new RegExp(`${name}=[^&]*`), replacement);

    expect(failingPaths(rawQuery)).toEqual([path]);
  });

  it('refuses a parameter given twice', () => {
    expect(failingPaths(`${VALID}&amount=1`)).toEqual(['amount']);
  });
});
