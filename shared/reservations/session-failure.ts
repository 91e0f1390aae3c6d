import {
  ConfigurationError,
  FrontPaymentAuthenticationError,
  FrontPaymentInterruptedError,
  FrontPaymentMisconfiguredError,
  FrontPaymentProtocolError,
  FrontPaymentRejectedError,
  FrontPaymentServerError,
  FrontPaymentTimeoutError,
  FrontPaymentUnavailableError,
} from '../errors.ts';
import type { ReservationFailure } from './reservation-record.ts';

/**
 * How a failed Front Payment call ended, as the reservation record keeps it: our own message, the
 * kind, whether retrying the same request may help, and whether Front Payment may nevertheless
 * hold a session (`outcomeKnown: false`). Front Payment's field messages go to the caller only.
 */
export interface SessionFailure {
  readonly failure: ReservationFailure;
  /** False when Front Payment may have created the session although we got no answer. */
  readonly outcomeKnown: boolean;
}

export function sessionFailureOf(error: unknown, at: Date): SessionFailure | undefined {
  const describe = (
    reason: ReservationFailure['reason'],
    retryable: boolean,
    outcomeKnown = true,
  ): SessionFailure => ({
    outcomeKnown,
    failure: {
      reason,
      retryable,
      message: error instanceof Error ? error.message : String(error),
      at: at.toISOString(),
      ...(error instanceof FrontPaymentServerError
        ? { frontPaymentStatusCode: error.statusCode }
        : {}),
    },
  });
  if (error instanceof FrontPaymentRejectedError) return describe('rejected', false);
  if (error instanceof FrontPaymentAuthenticationError) return describe('unauthorized', false);
  if (error instanceof ConfigurationError) return describe('misconfigured', false);
  if (error instanceof FrontPaymentMisconfiguredError) return describe('misconfigured', false);
  // Checked before their parent class: the request left, so Front Payment may have acted on it.
  if (error instanceof FrontPaymentInterruptedError) return describe('interrupted', false, false);
  if (error instanceof FrontPaymentServerError) return describe('server-error', false, false);
  if (error instanceof FrontPaymentTimeoutError) return describe('timeout', false, false);
  if (error instanceof FrontPaymentProtocolError) return describe('protocol', false, false);
  if (error instanceof FrontPaymentUnavailableError) return describe('unavailable', true);
  return undefined;
}
