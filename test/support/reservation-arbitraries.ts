import fc from 'fast-check';
import { ISO_3166_ALPHA_2_CODES } from '#shared/reservations/iso-country-codes';
import { DEFAULT_ALLOWED_TAX_RATES, MAX_AMOUNT } from '#shared/reservations/reservation-schema';

/**
 * fast-check arbitraries for `POST /reservations` bodies: valid ones in every spelling the schema
 * allows, and hostile ones (huge and tiny numbers, deep nesting, huge arrays and strings,
 * `__proto__`/`constructor` keys, unicode, numbers as strings). A body is built from a generated
 * plan at run time, so due dates are always relative to the clock of the run.
 */

type Json = Record<string, unknown>;

const digits = (min: number, max: number) =>
  fc.stringMatching(new RegExp(`^[0-9]{${min},${max}}$`));

/** Any text a person may type, emoji and right-to-left scripts included, never blank. */
const text = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 40 })
  .filter((value) => value.trim() !== '');

const optionalText = fc.option(fc.string({ unit: 'grapheme', maxLength: 40 }), { nil: null });

const email = fc
  .tuple(
    fc.stringMatching(/^[a-z0-9]([a-z0-9._+-]{0,20}[a-z0-9])?$/),
    fc.stringMatching(/^[a-z0-9]{1,12}$/),
    fc.constantFrom('no', 'com', 'example', 'se'),
  )
  .filter(([local]) => !local.includes('..'))
  .map(([local, domain, tld]) => `${local}@${domain}.${tld}`);

/** Whole øre up to the maximum, written as a number, a string with two decimals, or digits. */
const money = fc
  .tuple(fc.integer({ min: 0, max: Math.round(MAX_AMOUNT * 100) }), fc.nat(2))
  .map(([cents, spelling]) => {
    const amount = cents / 100;
    if (spelling === 0) return amount;
    if (spelling === 1) return amount.toFixed(2);
    return String(amount);
  });

const taxRate = fc
  .constantFrom(...DEFAULT_ALLOWED_TAX_RATES)
  .chain((rate) => fc.constantFrom<number | string>(rate, String(rate), `${rate}.0`));

const product = fc.record(
  {
    name: text,
    productId: optionalText,
    rate: money,
    tax: taxRate,
    amount: money,
  },
  { requiredKeys: ['name', 'rate', 'tax', 'amount'] },
);

const customer = fc
  .record({
    type: fc.constantFrom('private', 'corporate'),
    countryCode: fc.stringMatching(/^\+[0-9]{1,4}$/),
    msisdn: digits(1, 15),
    email,
    name: text,
    preferredLanguage: fc.constantFrom('en', 'no', 'sv', 'da', 'de', null, ''),
    personalNumber: fc.option(digits(11, 11), { nil: null }),
    organizationId: digits(1, 12),
    address: fc.record({
      street: text,
      zip: text,
      city: text,
      country: fc.constantFrom(...ISO_3166_ALPHA_2_CODES),
    }),
  })
  .map((details) =>
    details.type === 'corporate' ? details : { ...details, organizationId: null as string | null },
  );

const httpsUrl = fc.webUrl({ validSchemes: ['https', 'http'], withQueryParameters: true });

/** What a valid body is made of; `dueInSeconds` is added to the clock when the body is built. */
export const validPlan = fc.record({
  customerDetails: customer,
  orderDate: fc.integer({ min: 0, max: 9_999_999_999 }).map(String),
  dueInSeconds: fc.integer({ min: 120, max: 90 * 24 * 60 * 60 }),
  referenceNo: optionalText,
  customerReference: fc.constantFrom(null, ''),
  sendOrderBy: fc.record({ sms: fc.boolean(), email: fc.boolean() }),
  products: fc.array(product, { minLength: 1, maxLength: 6 }),
  productsKeyed: fc.boolean(),
  orderSummary: fc.record({ subTotal: money, totalTax: money, grandTotal: money }),
  chargeValidity: fc.option(
    fc.oneof(digits(1, 6), fc.integer({ min: 0, max: 1_000_000 }), fc.constant('')),
    { nil: null },
  ),
  customerNotes: optionalText,
  tnc: optionalText,
  submitPayment: fc.record({ via: fc.constantFrom('visa', 'mastercard') }),
  callback: fc.option(
    fc.record(
      { success: fc.option(httpsUrl, { nil: null }), failure: fc.option(httpsUrl) },
      {
        requiredKeys: [],
      },
    ),
    { nil: null },
  ),
  settings: fc.option(
    fc.record(
      {
        secureDetails: fc.option(fc.boolean(), { nil: null }),
        isChargePartiallyRefundable: fc.option(fc.boolean(), { nil: null }),
      },
      { requiredKeys: [] },
    ),
    { nil: null },
  ),
});
export type ValidPlan = typeof validPlan extends fc.Arbitrary<infer T> ? T : never;

/** The body of a plan, its due date counted from `now`. */
export function bodyOf(plan: ValidPlan, now: Date = new Date()): Json {
  const { dueInSeconds, productsKeyed, products, ...rest } = plan;
  return {
    ...rest,
    dueDateForPaymentLink: String(Math.floor(now.getTime() / 1000) + dueInSeconds),
    products: productsKeyed
      ? Object.fromEntries(products.map((line, index) => [String(index), line]))
      : products,
  };
}

/** Values that break some rule wherever they land. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(2 ** 53 + 1, 1e21, -1e21, 5e-324, -5e-324, 1e308, -1, -0.01, 0.001),
  digits(300, 500),
  fc.stringMatching(/^-?[0-9]{1,3}\.[0-9]{3,30}$/),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
  fc.integer({ min: 1, max: 3_000 }).map((depth) => nested(depth)),
  fc.integer({ min: 1_000, max: 12_000 }).map((length) => Array.from({ length }, (_, i) => i)),
  fc.integer({ min: 1_000, max: 80_000 }).map((length) => 'x'.repeat(length)),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom(1, 0, '', ' ', null, true),
  fc.jsonValue({ maxDepth: 4 }),
);

function nested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let level = 0; level < depth; level++) value = level % 2 ? [value] : { deeper: value };
  return value;
}

/**
 * Near misses of valid values (leading zeros, padded digits, other emails and URLs, case): where
 * our rules let one through, Front Payment's must accept it too.
 */
const nearMiss: fc.Arbitrary<unknown> = fc.oneof(
  fc.stringMatching(/^0[0-9]{1,10}$/),
  fc.stringMatching(/^ ?[0-9]{1,11} ?$/),
  fc.stringMatching(/^\+?[0-9]{0,5}$/),
  fc.emailAddress(),
  fc.webUrl({ validSchemes: ['https', 'http', 'ftp'] }),
  fc.constantFrom('http://', 'https://x', 'mailto:a@b.no', 'javascript:alert(1)'),
  fc.constantFrom('no', 'NO', 'En', 'XK', 'EU', 'uk', 'GB', 'true', '1', '0', 'Visa', 'PRIVATE'),
  fc.constantFrom(1, 0, -0, 1.5, '1.50', '25.00', '12.', '.5', '1e2', true, false, null, '', ' '),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
);

/** Every leaf (a value that is not an object or array) of a body, as paths. */
function leavesOf(value: unknown, path: readonly string[] = []): (readonly string[])[] {
  if (value === null || typeof value !== 'object') return [path];
  return Object.entries(value).flatMap(([key, item]) => leavesOf(item, [...path, key]));
}

/** One leaf, chosen by `where`, replaced by a near miss. */
export const nearMissEdit = fc.record({ where: fc.nat(), value: nearMiss });
export type NearMissEdit = typeof nearMissEdit extends fc.Arbitrary<infer T> ? T : never;

export function applyNearMiss(body: Json, edit: NearMissEdit): Json {
  const copy = structuredClone(body);
  const leaves = leavesOf(copy);
  const path = leaves[edit.where % leaves.length] ?? [];
  const last = path.at(-1);
  if (last !== undefined) at(copy, path.slice(0, -1))[last] = edit.value;
  return copy;
}

/** The object or array at `path` in `body`. */
function at(body: Json, path: readonly string[]): Record<string, unknown> {
  let target = body as Record<string, unknown>;
  for (const key of path) target = target[key] as Record<string, unknown>;
  return target;
}

/** Keys a hostile caller adds: prototype pollution attempts, unicode, a near-miss of a field. */
const hostileKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
  fc.constantFrom('Products', 'customer_details', 'grandtotal'),
);

/** Every object and array in a body, as paths (the root is `[]`). */
function containersOf(value: unknown, path: readonly string[] = []): (readonly string[])[] {
  if (value === null || typeof value !== 'object') return [];
  return [
    path,
    ...Object.entries(value).flatMap(([key, item]) => containersOf(item, [...path, key])),
  ];
}

/** One hostile change at a place chosen by `where`: replace a member, or add an own key. */
export const hostileEdit = fc.record({
  where: fc.nat(),
  member: fc.nat(),
  kind: fc.constantFrom('replace', 'add'),
  key: hostileKey,
  value: hostileValue,
});
export type HostileEdit = typeof hostileEdit extends fc.Arbitrary<infer T> ? T : never;

/** A copy of `body` with the edit applied; own `__proto__` keys are kept as data, as JSON has them. */
export function applyEdit(body: Json, edit: HostileEdit): Json {
  const copy = structuredClone(body);
  const containers = containersOf(copy);
  const target = at(copy, containers[edit.where % containers.length] ?? []);
  const keys = Object.keys(target);
  const key =
    edit.kind === 'replace' && keys.length > 0
      ? (keys[edit.member % keys.length] as string)
      : edit.key;
  Object.defineProperty(target, key, {
    value: edit.value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return copy;
}

/** Bodies that are not a reservation at all. */
export const wholeHostileBody: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 5 }),
  hostileValue,
  fc.dictionary(hostileKey, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 8 }),
);
