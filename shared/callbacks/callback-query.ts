import * as v from 'valibot';
import type { FieldError } from '../errors.ts';
import type { OrderedParameters } from '../front-payment/callback-checksum.ts';
import { toFieldErrors } from '../validation-issues.ts';

const EPOCH_SECONDS = /^\d{1,10}$/;

/** The query parameters of a Front Payment callback, as text (URL-decoded). */
export const CallbackQuerySchema = v.looseObject({
  orderUuid: v.pipe(
    v.string('is required'),
    v.regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an id of letters, digits, _ or -'),
  ),
  status: v.pipe(
    v.string('is required'),
    v.nonEmpty('is required'),
    v.maxLength(32, 'is too long'),
  ),
  createdAt: v.pipe(v.string('is required'), v.regex(EPOCH_SECONDS, 'must be epoch seconds')),
  amount: v.pipe(
    v.string('is required'),
    v.regex(/^\d{1,12}(\.\d{1,6})?$/, 'must be a non-negative decimal number'),
  ),
  paymentMethod: v.optional(v.pipe(v.string(), v.maxLength(64, 'is too long'))),
  timestamp: v.pipe(v.string('is required'), v.regex(EPOCH_SECONDS, 'must be epoch seconds')),
  checksum: v.pipe(v.string('is required'), v.regex(/^[0-9a-fA-F]{64}$/, 'must be sha256 hex')),
});
export type CallbackQuery = v.InferOutput<typeof CallbackQuerySchema>;

export type CallbackQueryResult =
  | { readonly success: true; readonly query: CallbackQuery }
  | { readonly success: false; readonly errors: readonly FieldError[] };

/**
 * Reads the callback's parameters. A name given twice is refused: which value counts would be a
 * guess, and the checksum covers both.
 */
export function parseCallbackQuery(parameters: OrderedParameters): CallbackQueryResult {
  const values: Record<string, string> = {};
  const repeated = new Set<string>();
  for (const [name, value] of parameters) {
    if (Object.hasOwn(values, name)) repeated.add(name);
    else values[name] = value;
  }
  if (repeated.size > 0) {
    return {
      success: false,
      errors: [...repeated].map((path) => ({ path, message: 'must appear only once' })),
    };
  }
  const result = v.safeParse(CallbackQuerySchema, values);
  if (result.success) return { success: true, query: result.output };
  return { success: false, errors: toFieldErrors(result.issues) };
}
