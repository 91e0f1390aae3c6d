import * as v from 'valibot';
import { ConfigurationError } from '../errors.ts';
import { isIsoAlpha2CountryCode } from './iso-country-codes.ts';
import { MAX_REFERENCE_NO_LENGTH } from './reference-no.ts';

/**
 * The body of `POST /reservations`, validated as Front Payment documents "Create Session for
 * Reservation" (every row of Front Payment's validation table). Messages name the rule and never echo
 * the value, since most of these fields are personal data. Every object is strict so that a typo
 * in a field name is reported instead of silently dropped.
 *
 * Optional fields come out as `null` when absent or empty (Front Payment's Laravel API turns empty
 * strings into null too), so the payload builder never has to tell absent from null.
 */

export const CUSTOMER_TYPES = ['private', 'corporate'] as const;
export const PREFERRED_LANGUAGES = ['en', 'no', 'sv', 'da', 'de'] as const;
export const DEFAULT_PREFERRED_LANGUAGE = 'no';
export const PAYMENT_METHODS = ['visa', 'mastercard'] as const;
/**
 * The largest amount accepted, in kroner: with at most two decimals every amount up to it is held
 * exactly by a JavaScript number and by DynamoDB, and no real reservation comes near it.
 */
export const MAX_AMOUNT = 99_999_999.99;
/** Front Payment's documented rates; a merchant with another configuration passes its own. */
export const DEFAULT_ALLOWED_TAX_RATES: readonly number[] = [0, 12, 15, 25];

export interface ReservationSchemaOptions {
  /** Product tax rates (percent) accepted in `products.*.tax`. */
  readonly allowedTaxRates: readonly number[];
  /** The clock `dueDateForPaymentLink` is compared with. */
  readonly now: () => Date;
}

const REQUIRED = 'is required';
const DIGITS = /^\d+$/;
// Seconds, not milliseconds: ten digits reach the year 2286, a millisecond value has thirteen.
// No leading zeros: Front Payment's `date_format:U` refuses them.
const UNIX_SECONDS = /^(0|[1-9]\d{0,9})$/;
export const DECIMAL = /^-?\d+(\.\d+)?$/;
const AT_MOST_TWO_DECIMALS = /^-?\d+(\.\d{1,2})?$/;
const PHONE_COUNTRY_CODE = /^\+\d{1,4}$/;

/** The message for a value of the wrong type: null or absent reads as missing. */
function typeMessage(expectation: string) {
  return (issue: v.BaseIssue<unknown>) => (issue.input == null ? REQUIRED : expectation);
}

/** One message function for every strict object: wrong type, missing key, unknown key. */
function objectMessage(issue: v.BaseIssue<unknown>): string {
  if (issue.expected === 'never') return 'is not a known field (check its spelling)';
  return issue.input == null ? REQUIRED : 'must be an object';
}

// valibot reports the first unknown key of each object; the caller sees the next one on retry.
export function strict<const TEntries extends v.ObjectEntries>(entries: TEntries) {
  return v.strictObject(entries, objectMessage);
}

const text = () => v.string(typeMessage('must be a string'));

export const nonBlankText = () =>
  v.pipe(
    text(),
    v.check((value) => value.trim() !== '', 'must not be empty'),
  );

const digits = (rule: string) => v.pipe(text(), v.regex(DIGITS, rule));

/**
 * An optional string: absent, null and "" all become null; anything else must pass `schema`.
 */
function optionalText<TSchema extends v.GenericSchema<string, string>>(schema: TSchema) {
  return v.nullish(
    v.pipe(
      text(),
      v.transform((value): string | null => (value === '' ? null : value)),
      v.nullable(schema),
    ),
    null,
  );
}

const bool = () => v.boolean(typeMessage('must be true or false'));

/**
 * How numbers may be written. Create takes decimal strings as Front Payment does (its example sends
 * `"tax": "0"`); our own command bodies take JSON numbers only, as any typed API would.
 */
export interface NumberSpelling<TAcceptStrings extends boolean = boolean> {
  readonly acceptStrings: TAcceptStrings;
}

export const NUMBERS_OR_DECIMAL_STRINGS: NumberSpelling<true> = { acceptStrings: true };
export const NUMBERS_ONLY: NumberSpelling<false> = { acceptStrings: false };

type DefaultSpelling = typeof NUMBERS_OR_DECIMAL_STRINGS;

/** A number as a caller may write it: the schemas' input type, so the compiler refuses `"100"` too. */
export type WrittenNumber<TSpelling extends NumberSpelling> =
  TSpelling extends NumberSpelling<false> ? number : number | string;

function numberParts({ acceptStrings }: NumberSpelling) {
  return acceptStrings
    ? { accepts: isDecimal, message: 'must be a number (or a string holding a decimal number)' }
    : { accepts: isFiniteNumber, message: 'must be a number' };
}

/** A number, or (when accepted) a string holding a decimal number; out: a number. */
function numeric<TSpelling extends NumberSpelling = DefaultSpelling>(spelling?: TSpelling) {
  const { accepts, message } = numberParts(spelling ?? NUMBERS_OR_DECIMAL_STRINGS);
  return v.pipe(
    v.custom<WrittenNumber<TSpelling>>(accepts, typeMessage(message)),
    v.transform((input) => Number(input)),
  );
}

/**
 * An amount of money: a number or a decimal string, not negative, at most two decimals, at most
 * `MAX_AMOUNT`. Anything else (1e21, 2^53 + 1, 5e-324, a 400-digit string) is refused here, so
 * every stored and sent amount is exact.
 */
export function money<TSpelling extends NumberSpelling = DefaultSpelling>(spelling?: TSpelling) {
  const { accepts, message } = numberParts(spelling ?? NUMBERS_OR_DECIMAL_STRINGS);
  return v.pipe(
    v.custom<WrittenNumber<TSpelling>>(accepts, typeMessage(message)),
    // valibot runs the checks of a pipe even after its type check failed: each guards itself.
    v.check((input) => !accepts(input) || Number(input) >= 0, 'must not be negative'),
    v.check(
      // Out of range is reported once, as such.
      (input) => !accepts(input) || Number(input) > MAX_AMOUNT || hasAtMostTwoDecimals(input),
      'must have at most two decimals',
    ),
    v.check(
      (input) => !accepts(input) || Number(input) <= MAX_AMOUNT,
      `must be at most ${MAX_AMOUNT}`,
    ),
    v.transform((input) => Number(input)),
  );
}

/**
 * The predicates of the `v.custom` schemas are exported so that the OpenAPI generator can say in
 * JSON Schema what each one accepts (valibot cannot convert a custom predicate by itself).
 */
export function isFiniteNumber(input: unknown): input is number {
  return typeof input === 'number' && Number.isFinite(input);
}

export function isDecimal(input: unknown): input is number | string {
  return (
    (typeof input === 'number' && Number.isFinite(input)) ||
    (typeof input === 'string' && DECIMAL.test(input))
  );
}

function hasAtMostTwoDecimals(input: number | string): boolean {
  if (typeof input === 'string') return AT_MOST_TWO_DECIMALS.test(input);
  return Math.round(input * 100) / 100 === input;
}

function httpUrl() {
  return v.pipe(text(), v.check(isHttpUrl, 'must be an absolute http or https URL'));
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

function oneOf<const TOptions extends readonly string[]>(options: TOptions) {
  return v.picklist(options, typeMessage(`must be one of ${options.join(', ')}`));
}

const AddressSchema = strict({
  street: nonBlankText(),
  zip: nonBlankText(),
  city: nonBlankText(),
  country: v.pipe(
    text(),
    v.check(
      isIsoAlpha2CountryCode,
      'must be an ISO 3166-1 alpha-2 country code in upper case (e.g. NO)',
    ),
  ),
});

const CustomerDetailsSchema = v.pipe(
  strict({
    type: oneOf(CUSTOMER_TYPES),
    countryCode: v.pipe(
      text(),
      v.regex(PHONE_COUNTRY_CODE, 'must be "+" followed by 1 to 4 digits (e.g. +47)'),
    ),
    msisdn: v.pipe(
      text(),
      v.regex(DIGITS, 'must contain only digits, without the country code or spaces'),
      v.maxLength(15, 'must be at most 15 digits'),
    ),
    email: v.pipe(text(), v.email('must be a valid email address')),
    name: nonBlankText(),
    preferredLanguage: v.optional(
      v.pipe(
        v.nullable(text()),
        // Front Payment defaults to Norwegian when nothing is given; "" counts as nothing.
        v.transform((value) =>
          value === null || value === '' ? DEFAULT_PREFERRED_LANGUAGE : value,
        ),
        oneOf(PREFERRED_LANGUAGES),
      ),
      DEFAULT_PREFERRED_LANGUAGE,
    ),
    personalNumber: optionalText(
      v.pipe(text(), v.regex(/^\d{11}$/, 'must be exactly 11 digits, without spaces')),
    ),
    organizationId: optionalText(digits('must contain only digits, without spaces')),
    address: AddressSchema,
  }),
  // A partial check still runs when other customer fields fail, so this error is never hidden.
  v.forward(
    v.partialCheck(
      [['type'], ['organizationId']],
      (customer) => customer.type !== 'corporate' || customer.organizationId !== null,
      'is required when customerDetails.type is corporate',
    ),
    ['organizationId'],
  ),
);

/**
 * Products come as a JSON array or keyed by their index (`{"0": {...}, "1": {...}}`, the form
 * Front Payment documents); both are read into an array in order, so paths are `products.0.tax`.
 */
export function productListOf<TSpelling extends NumberSpelling = DefaultSpelling>(
  allowedTaxRates: readonly number[],
  spelling?: TSpelling,
) {
  return v.pipe(
    // Typed as the products it holds (the predicate only tests for a collection; they are checked below).
    v.custom<ProductInput<TSpelling>[] | Record<string, ProductInput<TSpelling>>>(
      // One predicate per spelling, so the OpenAPI generator can tell the two lists apart.
      (spelling ?? NUMBERS_OR_DECIMAL_STRINGS).acceptStrings
        ? isProductCollection
        : isProductCollectionOfNumbers,
      typeMessage('must be an array of products or an object keyed "0", "1", …'),
    ),
    v.check(
      (input) => Array.isArray(input) || hasIndexKeys(input),
      'must be keyed by consecutive indexes "0", "1", … when given as an object',
    ),
    v.transform((input) => (Array.isArray(input) ? input : Object.values(input))),
    v.array(productSchemaOf(allowedTaxRates, spelling), typeMessage('must be an array')),
    v.minLength(1, 'must contain at least one product'),
  );
}

/** One product line of an order, as a caller writes it. */
type ProductInput<TSpelling extends NumberSpelling> = v.InferInput<
  ReturnType<typeof productSchemaOf<TSpelling>>
>;

/** One product line of an order. */
export function productSchemaOf<TSpelling extends NumberSpelling = DefaultSpelling>(
  allowedTaxRates: readonly number[],
  spelling?: TSpelling,
) {
  return strict({
    name: nonBlankText(),
    productId: optionalText(text()),
    rate: money(spelling),
    tax: v.pipe(
      numeric(spelling),
      v.check(
        (rate) => allowedTaxRates.includes(rate),
        `must be one of the allowed tax rates: ${allowedTaxRates.join(', ')}`,
      ),
    ),
    amount: money(spelling),
  });
}

export function isProductCollection(input: unknown): input is unknown[] | Record<string, unknown> {
  return typeof input === 'object' && input !== null;
}

/** The same test, for product lists whose numbers must be JSON numbers (our commands). */
export function isProductCollectionOfNumbers(
  input: unknown,
): input is unknown[] | Record<string, unknown> {
  return isProductCollection(input);
}

/** Integer-like keys enumerate in ascending order, so "0".."n-1" in any written order is fine. */
function hasIndexKeys(input: Record<string, unknown>): boolean {
  return Object.keys(input).every((key, index) => key === String(index));
}

/** A validity in minutes: digits (or "" for none), or a whole number. */
export function isValidityMinutes(input: unknown): input is string | number {
  return (
    (typeof input === 'string' && (input === '' || DIGITS.test(input))) ||
    (typeof input === 'number' && Number.isSafeInteger(input) && input >= 0)
  );
}

function dueDateOf(now: () => Date) {
  return v.pipe(
    text(),
    v.regex(UNIX_SECONDS, 'must be a unix timestamp in seconds (digits only)'),
    v.check(
      // Tolerance: anything from the start of the current minute on counts as "now". Callers often
      // round "now" down to the minute, and their clock may run a little behind ours.
      (value) => !UNIX_SECONDS.test(value) || Number(value) >= startOfMinute(now()),
      'must be now or in the future',
    ),
  );
}

function startOfMinute(date: Date): number {
  return Math.floor(date.getTime() / 60_000) * 60;
}

export function createReservationRequestSchema(options: ReservationSchemaOptions) {
  if (options.allowedTaxRates.length === 0) {
    throw new ConfigurationError('allowedTaxRates must list at least one tax rate');
  }
  const allowedTaxRates = [...options.allowedTaxRates];
  return strict({
    customerDetails: CustomerDetailsSchema,
    orderDate: v.pipe(
      text(),
      v.regex(UNIX_SECONDS, 'must be a unix timestamp in seconds (digits only)'),
    ),
    dueDateForPaymentLink: dueDateOf(options.now),
    referenceNo: optionalText(
      v.pipe(
        text(),
        v.maxLength(
          MAX_REFERENCE_NO_LENGTH,
          `must be at most ${MAX_REFERENCE_NO_LENGTH} characters`,
        ),
      ),
    ),
    // Ours: it carries our reservationId to Front Payment, so a session can be found by it.
    customerReference: optionalText(
      v.pipe(
        text(),
        v.check(() => false, 'is set by this service (to our reservationId) and must not be sent'),
      ),
    ),
    sendOrderBy: strict({ sms: bool(), email: bool() }),
    products: productListOf(allowedTaxRates),
    orderSummary: strict({ subTotal: money(), totalTax: money(), grandTotal: money() }),
    customerNotes: optionalText(text()),
    tnc: optionalText(text()),
    chargeValidity: v.nullish(
      v.pipe(
        v.custom<string | number>(
          isValidityMinutes,
          'must contain only digits (validity in minutes)',
        ),
        v.transform((input): string | null => (input === '' ? null : String(input))),
      ),
      null,
    ),
    submitPayment: strict({ via: oneOf(PAYMENT_METHODS) }),
    callback: v.nullish(
      strict({
        // Ours: Front Payment must call this service's callback endpoint, never the caller's.
        callbackUrl: v.optional(v.never('callbackUrl is set by this service and must not be sent')),
        success: optionalText(httpUrl()),
        failure: optionalText(httpUrl()),
      }),
      null,
    ),
    settings: v.nullish(
      strict({
        secureDetails: v.nullish(bool(), null),
        isChargePartiallyRefundable: v.nullish(bool(), null),
      }),
      null,
    ),
  });
}

export type CreateReservationRequestSchema = ReturnType<typeof createReservationRequestSchema>;
export type CreateReservationRequestInput = v.InferInput<CreateReservationRequestSchema>;
export type CreateReservationRequest = v.InferOutput<CreateReservationRequestSchema>;
