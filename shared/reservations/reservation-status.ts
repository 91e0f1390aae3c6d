/**
 * Statuses of the session lifecycle, before Front Payment calls back. They rank 0, below every
 * payment status (RESERVED and later, see `shared/callbacks/`), so any callback moves them on.
 */
export const SESSION_STATUSES = {
  /** Recorded before Front Payment is called, so a failed call is never invisible. */
  creating: 'CREATING',
  /** Front Payment created the checkout session; the customer can pay at `paymentUrl`. */
  sessionCreated: 'SESSION_CREATED',
  /** Front Payment did not create the session; `failure` says why. A retry may start again. */
  sessionFailed: 'SESSION_FAILED',
  /**
   * Front Payment may have created the session, but we have no answer (timeout, broken
   * connection, unreadable answer). Never created again automatically: it needs reconciling.
   */
  sessionOutcomeUnknown: 'SESSION_OUTCOME_UNKNOWN',
} as const;

export const SESSION_STATUS_RANK = 0;
