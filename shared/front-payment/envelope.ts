import * as v from 'valibot';
import type { FieldError } from '../errors.ts';

/** Front Payment's success envelope: `{status_code, status_message, message, is_data, data}`. */
export const SuccessEnvelopeSchema = v.looseObject({
  status_code: v.optional(v.number()),
  message: v.optional(v.string()),
  data: v.unknown(),
});

/** Its error envelope; `errors` is an object (field → messages) or an array of messages. */
export const ErrorEnvelopeSchema = v.looseObject({
  status_code: v.optional(v.number()),
  status_message: v.optional(v.string()),
  message: v.optional(v.string()),
  errors: v.optional(v.unknown()),
});
export type ErrorEnvelope = v.InferOutput<typeof ErrorEnvelopeSchema>;

/** The `data` of a created session. */
export const CreatedSessionSchema = v.object({
  customerUuid: v.pipe(v.string(), v.nonEmpty()),
  reservationUuid: v.pipe(v.string(), v.nonEmpty()),
  paymentUrl: v.pipe(v.string(), v.url()),
});
export type CreatedSession = v.InferOutput<typeof CreatedSessionSchema>;

/**
 * Front Payment's field messages as our `{ path, message }` list. Laravel-style objects give
 * `{ "customerDetails.email": ["…"] }`; arrays give bare messages, which we attach to no field.
 */
export function fieldErrorsOf(errors: unknown): FieldError[] {
  if (Array.isArray(errors)) {
    return errors.filter(isText).map((message) => ({ path: '', message }));
  }
  if (errors && typeof errors === 'object') {
    return Object.entries(errors).flatMap(([path, messages]) =>
      (Array.isArray(messages) ? messages : [messages])
        .filter(isText)
        .map((message) => ({ path, message })),
    );
  }
  return [];
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}
