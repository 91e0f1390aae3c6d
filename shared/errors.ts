/**
 * One base error for everything this product raises on purpose. Each subclass says what went
 * wrong in the domain; the HTTP status is chosen once, at the edge (`shared/http/error-response.ts`).
 */
export class IntegrationError extends Error {
  override readonly name: string = 'IntegrationError';
}

/** A field of the caller's input broke a rule. */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}

/** The caller's input is invalid; `errors` names every failing field. */
export class InputValidationError extends IntegrationError {
  override readonly name: string = 'InputValidationError';
  constructor(
    message: string,
    readonly errors: readonly FieldError[],
  ) {
    super(message);
  }
}

/**
 * The `Idempotency-Key` header is missing: the request cannot be told apart from its retries, so
 * it is refused before anything is sent.
 */
export class IdempotencyKeyMissingError extends InputValidationError {
  override readonly name = 'IdempotencyKeyMissingError';
}

/** Why a request body cannot be read; each is its own problem code (shared/http/problem-types.ts). */
export type UnreadableBody =
  | 'body-not-json'
  | 'body-not-object'
  | 'unsupported-media-type'
  | 'body-too-large';

/** The request itself cannot be read (wrong content type, malformed JSON, not an object, too large). */
export class UnreadableRequestError extends IntegrationError {
  override readonly name = 'UnreadableRequestError';
  constructor(
    message: string,
    readonly reason: UnreadableBody,
  ) {
    super(message);
  }
}

/** A deployment or environment problem: a missing variable, an unreadable secret. */
export class ConfigurationError extends IntegrationError {
  override readonly name = 'ConfigurationError';
}

/** Front Payment rejected the reservation's content (its 400 or 417 answer). */
export class FrontPaymentRejectedError extends IntegrationError {
  override readonly name = 'FrontPaymentRejectedError';
  constructor(
    message: string,
    readonly errors: readonly FieldError[],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Front Payment refused our bearer token (401): the integration is misconfigured. */
export class FrontPaymentAuthenticationError extends IntegrationError {
  override readonly name = 'FrontPaymentAuthenticationError';
}

/** Front Payment failed (5xx, 510, a network error): trying again later may work. */
export class FrontPaymentUnavailableError extends IntegrationError {
  override readonly name: string = 'FrontPaymentUnavailableError';
}

/**
 * The connection to Front Payment broke after the request was sent: it may or may not have acted
 * on it. Retryable for reads; for a create, the outcome is unknown.
 */
export class FrontPaymentInterruptedError extends FrontPaymentUnavailableError {
  override readonly name = 'FrontPaymentInterruptedError';
}

/**
 * Front Payment answered 500, 502, 504, 510 or another 5xx (except 503): the failure may have come
 * after it stored the reservation, or from a proxy in front of it. Retryable for reads; for a
 * create, the outcome is unknown.
 */
export class FrontPaymentServerError extends FrontPaymentUnavailableError {
  override readonly name = 'FrontPaymentServerError';
  constructor(
    message: string,
    readonly statusCode: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * Front Payment does not know the endpoint we called (404 on create): our base URL is wrong.
 * Nothing was created, and retrying cannot help until the configuration is fixed.
 */
export class FrontPaymentMisconfiguredError extends IntegrationError {
  override readonly name = 'FrontPaymentMisconfiguredError';
}

/** Front Payment did not answer within our timeout. */
export class FrontPaymentTimeoutError extends IntegrationError {
  override readonly name = 'FrontPaymentTimeoutError';
}

/** Front Payment answered with something that is not its documented envelope. */
export class FrontPaymentProtocolError extends IntegrationError {
  override readonly name = 'FrontPaymentProtocolError';
}

/**
 * Front Payment may hold a checkout session that we could not record: it did not answer in time,
 * the connection broke after sending, its answer was unreadable, our write failed after it
 * answered (`unrecorded`), or an earlier attempt for the same request ended that way
 * (`earlier-attempt`). Creating again could make a second session, so this is not retryable:
 * the reservation is kept as SESSION_OUTCOME_UNKNOWN for reconciliation.
 */
export class SessionOutcomeUnknownError extends IntegrationError {
  override readonly name = 'SessionOutcomeUnknownError';
  constructor(
    message: string,
    readonly reservationId: string,
    readonly kind:
      | 'timeout'
      | 'interrupted'
      | 'unreadable'
      | 'server-error'
      | 'unrecorded'
      | 'earlier-attempt',
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * The Lambda is about to run out of time (middy stops the handler just before Lambda would): the
 * request may have reached Front Payment, so its outcome is unknown.
 */
export class LambdaDeadlineError extends IntegrationError {
  override readonly name = 'LambdaDeadlineError';
}

/**
 * The `Idempotency-Key` was used before by the same caller for a request with other content
 * (compared after validation, so key order and number spelling do not count).
 */
export class IdempotencyKeyReusedError extends IntegrationError {
  override readonly name = 'IdempotencyKeyReusedError';
}

/** The first request with this `Idempotency-Key` is still running; retry after `retryAfterSeconds`. */
export class RequestInProgressError extends IntegrationError {
  override readonly name = 'RequestInProgressError';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** No reservation with this id belongs to the caller (unknown, or another caller's): a 404. */
export class ReservationNotFoundError extends IntegrationError {
  override readonly name = 'ReservationNotFoundError';
  constructor(
    message: string,
    /** The id asked for, when the request named one. */
    readonly reservationId?: string,
  ) {
    super(message);
  }
}

/**
 * The reservation's state forbids the command (`rule` names which rule, e.g.
 * `capture-exceeds-remaining`): a 409, and nothing was sent to Front Payment.
 */
export class ReservationStateConflictError extends IntegrationError {
  override readonly name = 'ReservationStateConflictError';
  constructor(
    readonly rule: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A command may have reached Front Payment, but its answer was lost (timeout, 5xx, a broken
 * answer), its acceptance could not be recorded (`unrecorded`), or an earlier attempt with the
 * same key ended so. It is never sent again:
 * `GET /reservations/{id}?refresh=true` or the reconciler learn the outcome from the details.
 */
export class CommandOutcomeUnknownError extends IntegrationError {
  override readonly name = 'CommandOutcomeUnknownError';
  constructor(
    message: string,
    readonly reservationId: string,
    readonly kind: 'timeout' | 'unanswered' | 'unrecorded' | 'earlier-attempt',
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
