import { describe, expect, it } from 'vitest';
import {
  computeChecksum,
  hasValidChecksum,
  parseRawQuery,
} from '#shared/front-payment/callback-checksum';

// Every expected digest below was computed by hand in a shell, e.g.
//   printf '%s' 'ODR123successVisa10017557641311755764131test-secret' | sha256sum
// so these tests check the implementation against the documented formula, not against itself.
const SECRET = 'test-secret';

function withChecksum(rawQuery: string, checksum: string): string {
  return `${rawQuery}&checksum=${checksum}`;
}

describe('computeChecksum, all-parameters (the current formula)', () => {
  it("matches the documentation's example, values in the order received", () => {
    const query =
      'orderUuid=ODR123&status=success&paymentMethod=Visa&amount=100&createdAt=1755764131&timestamp=1755764131';

    expect(computeChecksum(parseRawQuery(query), SECRET)).toBe(
      'cd158e29f18c921de003383e893f27e66669da35fe79909b67ad3b48e8e6f9f6',
    );
  });

  it('changes when the same parameters arrive in another order', () => {
    const query =
      'orderUuid=ODR123&status=success&createdAt=1755764131&paymentMethod=Visa&amount=100&timestamp=1755764131';

    expect(computeChecksum(parseRawQuery(query), SECRET)).toBe(
      '2d05b906de146b1605f516d5d42c264cf8c8f4ec0302069f993491bd7ea03b19',
    );
  });

  it('includes extra parameters, such as ones already in our callbackUrl', () => {
    const query =
      'ref=rRbl1FWZG59o&orderUuid=RES4161996022&status=CAPTURED&createdAt=1755764131&paymentMethod=Visa&amount=250.50&timestamp=1755764200';

    expect(computeChecksum(parseRawQuery(query), SECRET)).toBe(
      '13b32806304a0fa321882c3e596421191dc4ae44c011c928ebecf002cf659326',
    );
  });

  it('uses URL-decoded values: + and %20 are both a space', () => {
    const expected = 'bd4ce0c052e28f27c3a5ad1b2f5b0e746fb16c719a838ec13e2c15caf09b9056';
    const plus =
      'orderUuid=RES4161996022&status=RESEVRED&createdAt=1755764131&paymentMethod=Master+Card&amount=100&timestamp=1755764131';
    const percent = plus.replace('Master+Card', 'Master%20Card');

    expect(computeChecksum(parseRawQuery(plus), SECRET)).toBe(expected);
    expect(computeChecksum(parseRawQuery(percent), SECRET)).toBe(expected);
  });

  it('decodes UTF-8 percent escapes and an encoded plus sign', () => {
    // paymentMethod is "Kort Ø 2+1"
    const query =
      'orderUuid=RES4161996022&status=RESERVED&createdAt=1755764131&paymentMethod=Kort%20%C3%98%202%2B1&amount=100.00&timestamp=1755764131';

    expect(computeChecksum(parseRawQuery(query), SECRET)).toBe(
      '60f52e4020f15c6120160974f1a055f1a575bdbe7c7659a90dd95cefe83c01a6',
    );
  });

  it('leaves the checksum parameter out wherever it stands', () => {
    const query =
      'orderUuid=ODR123&checksum=ignored&status=success&paymentMethod=Visa&amount=100&createdAt=1755764131&timestamp=1755764131';

    expect(computeChecksum(parseRawQuery(query), SECRET)).toBe(
      'cd158e29f18c921de003383e893f27e66669da35fe79909b67ad3b48e8e6f9f6',
    );
  });
});

describe('computeChecksum, the older fixed-field formulas', () => {
  const query =
    'amount=99&orderUuid=RES4161996022&paymentMethod=Visa&status=CHARGED&timestamp=1755764999&createdAt=1755764131';

  it('order-status-created: orderUuid, status, createdAt, whatever the query order', () => {
    expect(computeChecksum(parseRawQuery(query), SECRET, 'order-status-created')).toBe(
      '30f15ef1c15b95d02b077bb15bdbacf24ac10b9be994009fdf9cfaddc2bfe433',
    );
  });

  it('order-status-created-amount-timestamp: adds amount and timestamp', () => {
    expect(
      computeChecksum(parseRawQuery(query), SECRET, 'order-status-created-amount-timestamp'),
    ).toBe('a1542e495a83fba621f449b037d32a595af691124b91c2c76765abb2c1d4f45b');
  });
});

describe('hasValidChecksum', () => {
  const query =
    'orderUuid=ODR123&status=success&paymentMethod=Visa&amount=100&createdAt=1755764131&timestamp=1755764131';
  const digest = 'cd158e29f18c921de003383e893f27e66669da35fe79909b67ad3b48e8e6f9f6';

  it('accepts the right checksum, in lower or upper case', () => {
    expect(hasValidChecksum(parseRawQuery(withChecksum(query, digest)), SECRET)).toBe(true);
    expect(hasValidChecksum(parseRawQuery(withChecksum(query, digest.toUpperCase())), SECRET)).toBe(
      true,
    );
  });

  it('refuses a missing, a wrong or a doubled checksum', () => {
    expect(hasValidChecksum(parseRawQuery(query), SECRET)).toBe(false);
    expect(hasValidChecksum(parseRawQuery(withChecksum(query, 'a'.repeat(64))), SECRET)).toBe(
      false,
    );
    expect(
      hasValidChecksum(parseRawQuery(`${withChecksum(query, digest)}&checksum=${digest}`), SECRET),
    ).toBe(false);
  });

  it('refuses a valid checksum replayed with a changed value or another secret', () => {
    const changedAmount = query.replace('amount=100', 'amount=1000');

    expect(hasValidChecksum(parseRawQuery(withChecksum(changedAmount, digest)), SECRET)).toBe(
      false,
    );
    expect(hasValidChecksum(parseRawQuery(withChecksum(query, digest)), 'other-secret')).toBe(
      false,
    );
  });
});
