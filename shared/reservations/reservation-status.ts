/**
 * Statuses of the session lifecycle, before Front Payment calls back. They rank 0, below every
 * payment status (RESERVED and later, see `shared/callbacks/`), so any callback moves them on.
 */
export const SESSION_STATUSES = {
  /** Recorded before Front Payment is called, so a failed call is never invisible. */
  creating: 'CREATING',
  /** Front Payment created the checkout session; the customer can pay at `paymentUrl`. */
  sessionCreated: 'SESSION_CREATED',
  /** Front Payment did not create the session; `failure` says why. */
  sessionFailed: 'SESSION_FAILED',
} as const;

export const SESSION_STATUS_RANK = 0;
