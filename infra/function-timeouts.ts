/**
 * Timeouts of the three functions, in seconds, shared by the CDK construct and the local stack
 * (which must not load aws-cdk-lib just for these numbers).
 *
 * API Gateway gives an integration 30 s at most; create-session must answer before it, so its
 * budget is Front Payment's 10 s, a retry-free margin for DynamoDB and Secrets Manager, and cold
 * start. The callback reads Front Payment's reservation details before it answers, with a shorter
 * timeout than create-session's because Front Payment waits for our answer meanwhile. The sweeper
 * stays below its one-minute schedule, so two sweeps rarely overlap.
 */
export const TIMEOUT_SECONDS = {
  frontPayment: 10,
  createSession: 25,
  callback: 15,
  callbackFrontPayment: 5,
  publishPending: 50,
  /** Below its 5-minute schedule; a run stops starting work 5 s before its end. */
  reconcile: 120,
  /**
   * Up to three Front Payment calls (details, the command, details again) of
   * `reservationCommandsFrontPayment` each, under API Gateway's 30 s.
   */
  reservationCommands: 28,
  reservationCommandsFrontPayment: 6,
} as const;
