import {
  FrontPaymentAuthenticationError,
  FrontPaymentProtocolError,
  FrontPaymentRejectedError,
  FrontPaymentTimeoutError,
  FrontPaymentUnavailableError,
} from '../errors.ts';
import type { ReservationFailure } from './reservation-record.ts';

/**
 * What the reservation record keeps of a failed Front Payment call: the kind, whether a retry may
 * help, and our own message (Front Payment's field messages are returned to the caller, not stored).
 */
export function sessionFailureOf(error: unknown, at: Date): ReservationFailure | undefined {
  const failure = (reason: ReservationFailure['reason'], retryable: boolean) => ({
    reason,
    retryable,
    message: error instanceof Error ? error.message : String(error),
    at: at.toISOString(),
  });
  if (error instanceof FrontPaymentRejectedError) return failure('rejected', false);
  if (error instanceof FrontPaymentAuthenticationError) return failure('unauthorized', false);
  if (error instanceof FrontPaymentTimeoutError) return failure('timeout', true);
  if (error instanceof FrontPaymentUnavailableError) return failure('unavailable', true);
  if (error instanceof FrontPaymentProtocolError) return failure('protocol', true);
  return undefined;
}
