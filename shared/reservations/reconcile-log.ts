/**
 * The reconciler's summary line, one per run: its fields are the reconciler's metrics, read by
 * the metric filters in infra/operations.ts.
 */
export const RECONCILE_SUMMARY = 'Reconciler run';
/**
 * Seconds the least up-to-date reservation has waited: the oldest unknown outcome still unsettled,
 * or the longest a due reservation has waited to be checked, whichever is more.
 */
export const UNRESOLVED_SECONDS_FIELD = 'unresolvedSeconds';
/** Reservations whose check failed in the run (each stays due). */
export const FAILED_FIELD = 'failed';
