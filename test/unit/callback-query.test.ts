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

/** VALID with one parameter's whole `name=value` replaced. */
function withParameter(replacement: string): string {
  const name = replacement.split('=')[0] ?? '';
  return VALID.replace(new RegExp(`${name}=[^&]*`), replacement);
}

describe('parseCallbackQuery', () => {
  it('reads the documented parameters as text, with the status normalised', () => {
    expect(parse(VALID)).toEqual({
      success: true,
      query: {
        orderUuid: 'RES4161996022',
        status: 'Captured',
        createdAt: '1755764131',
        paymentMethod: 'Visa',
        amount: '250.50',
        timestamp: '1755764200',
        checksum: CHECKSUM,
      },
      status: { status: 'CAPTURED', rank: 20, rawStatus: 'Captured' },
    });
  });

  it("accepts the documentation example's order and a callback without paymentMethod", () => {
    const example = `orderUuid=ODR123&status=Reserved&paymentMethod=Visa&amount=100&createdAt=1755764131&timestamp=1755764131&checksum=${CHECKSUM}`;

    expect(parse(example).success).toBe(true);
    expect(parse(VALID.replace('&paymentMethod=Visa', '')).success).toBe(true);
    expect(parse(withParameter('paymentMethod=')).success).toBe(true);
    expect(parse(withParameter('paymentMethod=Master%20Card')).success).toBe(true);
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
    ['amount', 'amount=000'],
    ['amount', 'amount=0100'],
    ['amount', 'amount=100.'],
    ['amount', 'amount=100.505'],
    ['amount', 'amount=1755764131'],
    ['createdAt', 'createdAt=2025-08-21'],
    ['createdAt', 'createdAt=17557641310'],
    ['createdAt', 'createdAt=175576413'],
    ['createdAt', 'createdAt=0755764131'],
    ['timestamp', 'timestamp=soon'],
    ['timestamp', 'timestamp=64131'],
    ['orderUuid', 'orderUuid=RES%2F..%2Fx'],
    ['orderUuid', 'orderUuid=res4161996022'],
    ['orderUuid', 'orderUuid=RES4161996022C'],
    ['orderUuid', 'orderUuid=4161996022'],
    ['paymentMethod', 'paymentMethod=Visa1'],
    ['paymentMethod', 'paymentMethod=Kort%202%2B1'],
    ['status', 'status=6022Captured'],
    ['status', 'status=%20Captured'],
    ['checksum', 'checksum=xyz'],
  ])('refuses a malformed %s (%s)', (path, replacement) => {
    expect(failingPaths(withParameter(replacement))).toEqual([path]);
  });

  it.each(['success', 'Capture', 'CapturedV', 'SHIPPED'])(
    'refuses a status it does not know (%s)',
    (status) => {
      expect(parse(withParameter(`status=${status}`))).toEqual({
        success: false,
        errors: [{ path: 'status', message: 'is not a known status' }],
      });
    },
  );

  it('refuses a parameter given twice', () => {
    expect(failingPaths(`${VALID}&amount=1`)).toEqual(['amount']);
  });

  it('refuses any parameter Front Payment does not document, even an empty one', () => {
    expect(failingPaths(`ref=abc&${VALID}`)).toEqual(['ref']);
    expect(failingPaths(VALID.replace('amount=250.50', 'amount=250&x=.50'))).toEqual(['x']);
    expect(failingPaths(`${VALID}&=1`)).toEqual(['']);
    expect(failingPaths(`${VALID}&__proto__=1`)).toEqual(['__proto__']);
  });

  it('refuses a createdAt more than 300 s after the timestamp', () => {
    expect(parse(withParameter('createdAt=1755764500')).success).toBe(true);
    expect(failingPaths(withParameter('createdAt=1755764501'))).toEqual(['createdAt']);
  });

  it('refuses a timestamp sent before createdAt, or a paymentMethod before status', () => {
    const swapped = VALID.replace('createdAt=', 'TEMP=')
      .replace('timestamp=', 'createdAt=')
      .replace('TEMP=', 'timestamp=');
    const methodFirst = `orderUuid=RES4161996022&paymentMethod=Visa&status=Captured&createdAt=1755764131&amount=250.50&timestamp=1755764200&checksum=${CHECKSUM}`;

    expect(failingPaths(swapped)).toEqual(['timestamp']);
    expect(failingPaths(methodFirst)).toEqual(['paymentMethod']);
  });
});
