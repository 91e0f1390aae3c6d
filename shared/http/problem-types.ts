/**
 * Every problem type the merchant API answers with: its stable `code`, title, status(es) and
 * whether the same request may be sent again. The answers (error-response.ts), the problem schema
 * (problem.ts) and docs/errors.md (`npm run docs`, with the texts of infra/docs/problem-docs.ts)
 * are all built from this list. Only what the answers need is here: it is in every bundle.
 */
export interface ProblemType {
  readonly title: string;
  /** The first is the usual one; an outcome-unknown code says with its status what went wrong. */
  readonly statuses: readonly [number, ...number[]];
  readonly retryable: boolean;
}

export const PROBLEM_TYPES = {
  'validation-failed': {
    title: 'The request is invalid',
    statuses: [400],
    retryable: false,
  },
  'body-not-json': {
    title: 'The request body is not JSON',
    statuses: [400],
    retryable: false,
  },
  'body-not-object': {
    title: 'The request body is not a JSON object',
    statuses: [400],
    retryable: false,
  },
  'unsupported-media-type': {
    title: 'The request body is not application/json',
    statuses: [415],
    retryable: false,
  },
  'body-too-large': {
    title: 'The request body is too large',
    statuses: [413],
    retryable: false,
  },
  'idempotency-key-missing': {
    title: 'An Idempotency-Key header is required',
    statuses: [400],
    retryable: false,
  },
  'idempotency-key-reused': {
    title: 'The Idempotency-Key was used for another request',
    statuses: [409],
    retryable: false,
  },
  'request-in-progress': {
    title: 'A request with this Idempotency-Key is still running',
    statuses: [409],
    retryable: true,
  },
  'reservation-not-found': {
    title: 'No such reservation',
    statuses: [404],
    retryable: false,
  },
  'state-conflict': {
    title: "The reservation's state does not allow the command",
    statuses: [409],
    retryable: false,
  },
  'session-outcome-unknown': {
    title: 'Front Payment may hold a checkout session we could not record',
    statuses: [504, 502, 500, 409],
    retryable: false,
  },
  'command-outcome-unknown': {
    title: 'The command may have reached Front Payment',
    statuses: [504, 502, 500, 409],
    retryable: false,
  },
  'deadline-exceeded': {
    title: 'The request ran out of time',
    statuses: [504],
    retryable: false,
  },
  'front-payment-rejected': {
    title: 'Front Payment refused the request',
    statuses: [422],
    retryable: false,
  },
  'front-payment-unavailable': {
    title: 'Front Payment is unavailable',
    statuses: [502],
    retryable: true,
  },
  'front-payment-timeout': {
    title: 'Front Payment did not answer in time',
    statuses: [504],
    retryable: true,
  },
  misconfigured: {
    title: 'The integration is misconfigured',
    statuses: [502, 500],
    retryable: false,
  },
  'internal-error': {
    title: 'Internal error',
    statuses: [500],
    retryable: true,
  },
} as const satisfies Record<string, ProblemType>;

export type ProblemCode = keyof typeof PROBLEM_TYPES;

export const PROBLEM_CODES = Object.keys(PROBLEM_TYPES) as [ProblemCode, ...ProblemCode[]];

/**
 * A URN, not a URL: RFC 9457 lets a type be any URI, and a URL would promise a page we may not
 * host (and would change when the docs move). The name stays the same for as long as the code.
 */
export function problemTypeOf(code: ProblemCode): string {
  return `urn:front-payment-reservations:problem:${code}`;
}
