import * as v from 'valibot';
import { PROBLEM_CODES } from './problem-types.ts';

/**
 * The one error object of the merchant API: RFC 9457 problem details
 * (`application/problem+json`) with our stable `code`, whether the same request may be retried,
 * the reservation where one is known, and the fields at fault. Front Payment's callback route
 * keeps its own answers: they are read by Front Payment, not by merchants.
 */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export const ProblemFieldErrorSchema = v.object({
  /** Where in the request: a body path (`products.0.amount`), a header or a query parameter. */
  path: v.string(),
  message: v.string(),
});

export const ProblemSchema = v.object({
  /** A URI naming the problem type; the same for every answer with this `code`. */
  type: v.string(),
  /** A short summary of the problem type, the same for every answer with this `code`. */
  title: v.string(),
  status: v.pipe(v.number(), v.integer(), v.minValue(400), v.maxValue(599)),
  /** What happened to this request, for a person to read. */
  detail: v.string(),
  /** Stable and machine-readable: what a caller's code switches on (docs/errors.md lists them). */
  code: v.picklist(PROBLEM_CODES),
  /** Whether the same request, with the same Idempotency-Key, may be sent again. */
  retryable: v.boolean(),
  reservationId: v.optional(v.string()),
  /** For `state-conflict`: which state rule refused the command (docs/commands.md lists them). */
  rule: v.optional(v.string()),
  errors: v.optional(v.array(ProblemFieldErrorSchema)),
});

export type Problem = v.InferOutput<typeof ProblemSchema>;
export type ProblemFieldError = v.InferOutput<typeof ProblemFieldErrorSchema>;
