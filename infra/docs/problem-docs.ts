import type { ProblemCode } from '#shared/http/problem-types';

/**
 * When each problem happens and what the caller does about it: docs/errors.md's texts, kept out
 * of the functions' bundles. A code without its texts is a type error.
 */
export const PROBLEM_DOCS: Record<
  ProblemCode,
  { readonly when: string; readonly whatToDo: string }
> = {
  'validation-failed': {
    when: 'a field of the body, a header, a path or a query parameter breaks a rule; `errors` names each one (`products.0.tax`, `Idempotency-Key`, `reservationId`)',
    whatToDo: 'fix the fields named in `errors`; the same request is refused again',
  },
  'body-not-json': {
    when: 'the body is not valid JSON, its bytes are not UTF-8, or it is nested deeper than 16 levels',
    whatToDo: 'send a JSON object encoded as UTF-8',
  },
  'body-not-object': {
    when: 'the body is JSON but not an object (an array, a string, a number, `true`/`false`, `null`), or `POST /reservations` has no body at all (a command without a body reads as `{}`)',
    whatToDo: 'send the fields in a JSON object',
  },
  'unsupported-media-type': {
    when: 'a body comes with a `content-type` other than `application/json` (or `application/*+json`), or with a charset other than UTF-8',
    whatToDo: 'send `content-type: application/json`',
  },
  'body-too-large': {
    when: 'the body is larger than the route takes: 64 KiB for `POST /reservations`, 32 KiB for a command',
    whatToDo: 'send a smaller body; no real reservation or command comes near the limit',
  },
  'idempotency-key-missing': {
    when: '`POST /reservations` or a command comes without an `Idempotency-Key` header (a malformed one is `validation-failed`)',
    whatToDo: 'send one key per logical operation, and the same key on every retry of it',
  },
  'idempotency-key-reused': {
    when: 'the same caller sent this key before with other content (compared after validation: key order and number spelling do not count)',
    whatToDo: 'use a new key for a new request',
  },
  'request-in-progress': {
    when: 'the first request with this key has not finished yet',
    whatToDo:
      'wait for the `retry-after` header (seconds), then send the same request with the same key',
  },
  'reservation-not-found': {
    when: 'no reservation has this id',
    whatToDo: 'check the id: it is the `reservationId` that `POST /reservations` answered',
  },
  'state-conflict': {
    when: "Front Payment's details, read just before, forbid the command; `rule` names the rule (see commands.md), and nothing was sent",
    whatToDo: 'read the reservation (`GET /reservations/{id}`) and send what its state allows',
  },
  'session-outcome-unknown': {
    when: 'Front Payment did not answer in time (504), the connection broke or its answer was unreadable or a 5xx (502), our write after its answer failed (500), or an earlier attempt with this key ended so (409)',
    whatToDo:
      'do not create it again with a new key: the reconciler settles it from Front Payment’s records, and a retry with the same key then answers its outcome',
  },
  'command-outcome-unknown': {
    when: 'Front Payment did not answer in time (504) or its answer was lost (502), our write after its answer failed (500), or an earlier attempt with this key ended so (409)',
    whatToDo:
      'do not send it again: `GET /reservations/{id}?refresh=true` shows what Front Payment did',
  },
  'deadline-exceeded': {
    when: 'our function was about to run out of time; Front Payment may have acted on the request',
    whatToDo: 'send the same request with the same key to learn the outcome',
  },
  'front-payment-rejected': {
    when: 'Front Payment answered 400 or 417 before acting; `errors` carries its field messages',
    whatToDo: 'fix the request as Front Payment’s messages say',
  },
  'front-payment-unavailable': {
    when: 'Front Payment could not be reached, was busy (503), or answered something that is not its documented envelope, where nothing can have happened there',
    whatToDo: 'send the same request with the same key later',
  },
  'front-payment-timeout': {
    when: 'a read of Front Payment’s records (never a create or a command) timed out',
    whatToDo: 'send the same request later',
  },
  misconfigured: {
    when: 'Front Payment refused our credentials or does not know the endpoint we called (502), or our own configuration is broken (500); the operator is alarmed',
    whatToDo: 'nothing, until the operator has fixed the deployment',
  },
  'internal-error': {
    when: 'anything else: a bug or a failure of AWS; the operator is alarmed',
    whatToDo: 'send the same request with the same key later',
  },
};
