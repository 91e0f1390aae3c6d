import * as v from 'valibot';
import {
  type FrontPaymentSettings,
  frontPaymentSettings,
  type StatusEventSettings,
  statusEventSettings,
  type TableSettings,
  tableSettings,
} from '#shared/config/function-settings';
import {
  eventBusEnvironment,
  frontPaymentEnvironment,
  PositiveIntegerSchema,
  parseEnvironment,
  tableEnvironment,
} from '#shared/config/parse-environment';
import type { ReconcileSettings } from './reconcile-reservation.ts';

const ReconcileEnvironmentSchema = v.object({
  ...tableEnvironment,
  ...eventBusEnvironment,
  ...frontPaymentEnvironment(5_000),
  /** Front Payment calls per run; its demo answers show a limit of 240 a minute. */
  RECONCILE_CALL_BUDGET: v.optional(PositiveIntegerSchema, '120'),
  RECONCILE_RECHECK_SECONDS: v.optional(PositiveIntegerSchema, '900'),
  RECONCILE_GRACE_SECONDS: v.optional(PositiveIntegerSchema, '1800'),
  RECONCILE_SEARCH_RETRY_SECONDS: v.optional(PositiveIntegerSchema, '60'),
  RECONCILE_LINK_EXPIRY_GRACE_SECONDS: v.optional(PositiveIntegerSchema, '3600'),
  CAPTURE_WINDOW_DAYS: v.optional(PositiveIntegerSchema, '7'),
  CHARGE_VALIDITY_DAYS: v.optional(PositiveIntegerSchema, '90'),
  CAPTURE_DUE_LEAD_HOURS: v.optional(PositiveIntegerSchema, '24'),
  /** A completed reservation with money left to refund is watched this long, this often. */
  REFUND_WATCH_DAYS: v.optional(PositiveIntegerSchema, '30'),
  REFUND_WATCH_RECHECK_HOURS: v.optional(PositiveIntegerSchema, '24'),
  /** DEBUG locally: a summary every 10 s that says nothing happened is noise there. */
  RECONCILE_IDLE_SUMMARY_LEVEL: v.optional(v.picklist(['INFO', 'DEBUG']), 'INFO'),
});

export interface ReconcileConfig extends TableSettings, StatusEventSettings, FrontPaymentSettings {
  readonly callBudget: number;
  /** The level of the summary of a run in which nothing happened. */
  readonly idleSummaryLevel: 'info' | 'debug';
  readonly settings: ReconcileSettings;
}

const SECOND = 1000;
const HOUR = 3600 * SECOND;
const DAY = 24 * HOUR;

/** The reconciler's configuration, read once at cold start. */
export function loadReconcileConfig(
  environment: Record<string, string | undefined> = process.env,
): ReconcileConfig {
  const parsed = parseEnvironment(ReconcileEnvironmentSchema, environment);
  return {
    ...tableSettings(parsed),
    ...statusEventSettings(parsed),
    ...frontPaymentSettings(parsed, environment),
    callBudget: parsed.RECONCILE_CALL_BUDGET,
    idleSummaryLevel: parsed.RECONCILE_IDLE_SUMMARY_LEVEL === 'DEBUG' ? 'debug' : 'info',
    settings: {
      recheckMs: parsed.RECONCILE_RECHECK_SECONDS * SECOND,
      graceMs: parsed.RECONCILE_GRACE_SECONDS * SECOND,
      searchRetryMs: parsed.RECONCILE_SEARCH_RETRY_SECONDS * SECOND,
      linkExpiryGraceMs: parsed.RECONCILE_LINK_EXPIRY_GRACE_SECONDS * SECOND,
      captureWindowMs: parsed.CAPTURE_WINDOW_DAYS * DAY,
      chargeValidityMs: parsed.CHARGE_VALIDITY_DAYS * DAY,
      leadTimeMs: parsed.CAPTURE_DUE_LEAD_HOURS * HOUR,
      refundWatchMs: parsed.REFUND_WATCH_DAYS * DAY,
      refundRecheckMs: parsed.REFUND_WATCH_RECHECK_HOURS * HOUR,
    },
  };
}
