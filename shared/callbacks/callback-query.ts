import * as v from 'valibot';
import type { FieldError } from '../errors.ts';
import type { OrderedParameters } from '../front-payment/callback-checksum.ts';
import { toFieldErrors } from '../validation-issues.ts';
import { type NormalisedStatus, normalisePaymentStatus } from './payment-status.ts';

/*
 * What "understood" means for a signed callback. Front Payment's checksum is sha256 of the
 * parameter VALUES joined with no separator, and the names are not signed, so anyone holding one
 * genuine callback URL could move characters between neighbouring values (`amount=1000` ->
 * `amount=1&x=000`) and keep a valid checksum. Nothing a callback says is recorded (Front
 * Payment's details are), so such a rewrite changes nothing; but a callback that does not have
 * exactly the documented form is logged as not understood, which an alarm counts: a new status
 * word or parameter from Front Payment, or a rewritten URL. The rules below leave every value one
 * way to be read: only the documented names, each once; shapes that do not overlap (letters,
 * digits, exactly ten digits, a 64-digit hex); and for the two pairs whose values can look alike,
 * the order both of Front Payment's documented orders use. See docs/callbacks.md.
 */

/** Epoch seconds as Front Payment writes them: exactly ten digits (2001 to 2286). */
export const EPOCH_SECONDS = /^[1-9]\d{9}$/;

/** The documented parameters; any other name is refused. */
export const CALLBACK_PARAMETERS = [
  'orderUuid',
  'status',
  'createdAt',
  'paymentMethod',
  'amount',
  'timestamp',
  'checksum',
] as const;
type CallbackParameter = (typeof CALLBACK_PARAMETERS)[number];

/**
 * Pairs whose values can have the same shape (two epochs; a payment method that is a status word),
 * so swapping their names would keep the checksum. Both documented orders
 * (`orderUuid, status, createdAt, paymentMethod, amount, timestamp` and the example's
 * `orderUuid, status, paymentMethod, amount, createdAt, timestamp`) send the first before the second.
 */
const ORDERED_PAIRS: readonly (readonly [CallbackParameter, CallbackParameter])[] = [
  ['createdAt', 'timestamp'],
  ['status', 'paymentMethod'],
];

/**
 * A change cannot be sent before it happened: `createdAt` may be later than `timestamp` only by
 * this much clock difference between Front Payment's machines.
 */
export const CREATED_AFTER_SENT_TOLERANCE_SECONDS = 300;

/** The query parameters of a Front Payment callback, as text (URL-decoded). */
export const CallbackQuerySchema = v.object({
  orderUuid: v.pipe(
    v.string('is required'),
    v.maxLength(64, 'is too long'),
    v.regex(/^[A-Z]+\d+$/, 'must be capital letters then digits'),
  ),
  // Letters only here; whether it is a status we know is checked after parsing.
  status: v.pipe(
    v.string('is required'),
    v.maxLength(32, 'is too long'),
    v.regex(/^[A-Za-z]+$/, 'must be a status word'),
  ),
  createdAt: v.pipe(v.string('is required'), v.regex(EPOCH_SECONDS, 'must be epoch seconds')),
  paymentMethod: v.optional(
    v.pipe(
      v.string(),
      v.maxLength(64, 'is too long'),
      v.regex(/^[\p{L} ]*$/u, 'must be letters and spaces'),
    ),
  ),
  // At most nine whole digits: never the shape of epoch seconds.
  amount: v.pipe(
    v.string('is required'),
    v.regex(/^(0|[1-9]\d{0,8})(\.\d{1,2})?$/, 'must be a decimal number'),
  ),
  timestamp: v.pipe(v.string('is required'), v.regex(EPOCH_SECONDS, 'must be epoch seconds')),
  checksum: v.pipe(v.string('is required'), v.regex(/^[0-9a-fA-F]{64}$/, 'must be sha256 hex')),
});
export type CallbackQuery = v.InferOutput<typeof CallbackQuerySchema>;

export type CallbackQueryResult =
  | {
      readonly success: true;
      readonly query: CallbackQuery;
      readonly status: NormalisedStatus;
    }
  | { readonly success: false; readonly errors: readonly FieldError[] };

/**
 * Reads a callback's parameters exactly as Front Payment documents them, or says what is off
 * (for our logs only: the caller must not tell the sender which part failed). A name given twice
 * is refused too: which value counts would be a guess, and the checksum covers both.
 */
export function parseCallbackQuery(parameters: OrderedParameters): CallbackQueryResult {
  const errors = [...unexpectedNames(parameters), ...misorderedPairs(parameters)];
  if (errors.length > 0) return { success: false, errors };

  const result = v.safeParse(CallbackQuerySchema, Object.fromEntries(parameters));
  if (!result.success) return { success: false, errors: toFieldErrors(result.issues) };
  const query = result.output;

  const status = normalisePaymentStatus(query.status);
  if (!status) {
    return { success: false, errors: [{ path: 'status', message: 'is not a known status' }] };
  }
  if (Number(query.createdAt) > Number(query.timestamp) + CREATED_AFTER_SENT_TOLERANCE_SECONDS) {
    return { success: false, errors: [{ path: 'createdAt', message: 'is later than timestamp' }] };
  }
  return { success: true, query, status };
}

function unexpectedNames(parameters: OrderedParameters): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  for (const [name] of parameters) {
    if (!isCallbackParameter(name)) {
      errors.push({ path: name, message: 'is not a callback parameter' });
    } else if (seen.has(name)) {
      errors.push({ path: name, message: 'must appear only once' });
    }
    seen.add(name);
  }
  return errors;
}

function misorderedPairs(parameters: OrderedParameters): FieldError[] {
  const names = parameters.map(([name]) => name);
  return ORDERED_PAIRS.filter(([first, second]) => {
    const firstAt = names.indexOf(first);
    const secondAt = names.indexOf(second);
    return firstAt >= 0 && secondAt >= 0 && secondAt < firstAt;
  }).map(([first, second]) => ({ path: second, message: `must come after ${first}` }));
}

function isCallbackParameter(name: string): name is CallbackParameter {
  return (CALLBACK_PARAMETERS as readonly string[]).includes(name);
}
