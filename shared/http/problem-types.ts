/**
 * Every problem type the merchant API answers with: its stable `code`, title, status(es), whether
 * the same request may be sent again, and when it happens. The answers (error-response.ts), the
 * problem schema (problem.ts) and docs/errors.md (`npm run docs`) are all built from this list.
 */
export interface ProblemTypeDoc {
  readonly title: string;
  /** The first is the usual one; an outcome-unknown code says with its status what went wrong. */
  readonly statuses: readonly [number, ...number[]];
  readonly retryable: boolean;
  /** When it happens, for docs/errors.md. */
  readonly when: string;
  /** What the caller does about it, for docs/errors.md. */
  readonly whatToDo: string;
}

export const PROBLEM_TYPES = {
  'validation-failed': {
    title: 'The request is invalid',
    statuses: [400],
    retryable: false,
    when: 'a field of the body, a header, a path or a query parameter breaks a rule; `errors` names each one (`products.0.tax`, `Idempotency-Key`, `reservationId`)',
    whatToDo: 'fix the fields named in `errors`; the same request is refused again',
  },
  'body-not-json': {
    title: 'The request body is not JSON',
    statuses: [400],
    retryable: false,
    when: 'the body is not valid JSON, its bytes are not UTF-8, or it is nested deeper than 16 levels',
    whatToDo: 'send a JSON object encoded as UTF-8',
  },
  'body-not-object': {
    title: 'The request body is not a JSON object',
    statuses: [400],
    retryable: false,
    when: 'the body is JSON but not an object (an array, a string, a number, `true`/`false`, `null`), or `POST /reservations` has no body at all (a command without a body reads as `{}`)',
    whatToDo: 'send the fields in a JSON object',
  },
  'unsupported-media-type': {
    title: 'The request body is not application/json',
    statuses: [415],
    retryable: false,
    when: 'a body comes with a `content-type` other than `application/json` (or `application/*+json`), or with a charset other than UTF-8',
    whatToDo: 'send `content-type: application/json`',
  },
  'body-too-large': {
    title: 'The request body is too large',
    statuses: [413],
    retryable: false,
    when: 'the body is larger than the route takes: 64 KiB for `POST /reservations`, 32 KiB for a command',
    whatToDo: 'send a smaller body; no real reservation or command comes near the limit',
  },
  'idempotency-key-missing': {
    title: 'An Idempotency-Key header is required',
    statuses: [400],
    retryable: false,
    when: '`POST /reservations` or a command comes without an `Idempotency-Key` header (a malformed one is `validation-failed`)',
    whatToDo: 'send one key per logical operation, and the same key on every retry of it',
  },
  'idempotency-key-reused': {
    title: 'The Idempotency-Key was used for another request',
    statuses: [409],
    retryable: false,
    when: 'the same caller sent this key before with other content (compared after validation: key order and number spelling do not count)',
    whatToDo: 'use a new key for a new request',
  },
  'request-in-progress': {
    title: 'A request with this Idempotency-Key is still running',
    statuses: [409],
    retryable: true,
    when: 'the first request with this key has not finished yet',
    whatToDo:
      'wait for the `retry-after` header (seconds), then send the same request with the same key',
  },
  'reservation-not-found': {
    title: 'No such reservation',
    statuses: [404],
    retryable: false,
    when: 'no reservation has this id',
    whatToDo: 'check the id: it is the `reservationId` that `POST /reservations` answered',
  },
  'state-conflict': {
    title: "The reservation's state does not allow the command",
    statuses: [409],
    retryable: false,
    when: "Front Payment's details, read just before, forbid the command; `rule` names the rule (see commands.md), and nothing was sent",
    whatToDo: 'read the reservation (`GET /reservations/{id}`) and send what its state allows',
  },
  'session-outcome-unknown': {
    title: 'Front Payment may hold a checkout session we could not record',
    statuses: [504, 502, 500, 409],
    retryable: false,
    when: 'Front Payment did not answer in time (504), the connection broke or its answer was unreadable or a 5xx (502), our write after its answer failed (500), or an earlier attempt with this key ended so (409)',
    whatToDo:
      'do not create it again with a new key: the reconciler settles it from Front Payment’s records, and a retry with the same key then answers its outcome',
  },
  'command-outcome-unknown': {
    title: 'The command may have reached Front Payment',
    statuses: [504, 502, 500, 409],
    retryable: false,
    when: 'Front Payment did not answer in time (504) or its answer was lost (502), our write after its answer failed (500), or an earlier attempt with this key ended so (409)',
    whatToDo:
      'do not send it again: `GET /reservations/{id}?refresh=true` shows what Front Payment did',
  },
  'deadline-exceeded': {
    title: 'The request ran out of time',
    statuses: [504],
    retryable: false,
    when: 'our function was about to run out of time; Front Payment may have acted on the request',
    whatToDo: 'send the same request with the same key to learn the outcome',
  },
  'front-payment-rejected': {
    title: 'Front Payment refused the request',
    statuses: [422],
    retryable: false,
    when: 'Front Payment answered 400 or 417 before acting; `errors` carries its field messages',
    whatToDo: 'fix the request as Front Payment’s messages say',
  },
  'front-payment-unavailable': {
    title: 'Front Payment is unavailable',
    statuses: [502],
    retryable: true,
    when: 'Front Payment could not be reached, was busy (503), or answered something that is not its documented envelope, where nothing can have happened there',
    whatToDo: 'send the same request with the same key later',
  },
  'front-payment-timeout': {
    title: 'Front Payment did not answer in time',
    statuses: [504],
    retryable: true,
    when: 'a read of Front Payment’s records (never a create or a command) timed out',
    whatToDo: 'send the same request later',
  },
  misconfigured: {
    title: 'The integration is misconfigured',
    statuses: [502, 500],
    retryable: false,
    when: 'Front Payment refused our credentials or does not know the endpoint we called (502), or our own configuration is broken (500); the operator is alarmed',
    whatToDo: 'nothing, until the operator has fixed the deployment',
  },
  'internal-error': {
    title: 'Internal error',
    statuses: [500],
    retryable: true,
    when: 'anything else: a bug or a failure of AWS; the operator is alarmed',
    whatToDo: 'send the same request with the same key later',
  },
} as const satisfies Record<string, ProblemTypeDoc>;

export type ProblemCode = keyof typeof PROBLEM_TYPES;

export const PROBLEM_CODES = Object.keys(PROBLEM_TYPES) as [ProblemCode, ...ProblemCode[]];

/**
 * A URN, not a URL: RFC 9457 lets a type be any URI, and a URL would promise a page we may not
 * host (and would change when the docs move). The name stays the same for as long as the code.
 */
export function problemTypeOf(code: ProblemCode): string {
  return `urn:front-payment-reservations:problem:${code}`;
}
