import * as v from 'valibot';
import {
  BooleanFlagSchema,
  HttpUrlSchema,
  PositiveIntegerSchema,
  parseEnvironment,
  WholeNumberSchema,
} from '#shared/config/parse-environment';
import { type SecretSource, secretSourceFromEnvironment } from '#shared/config/secret-source';
import { ConfigurationError } from '#shared/errors';
import { DEFAULT_EVENT_SOURCE } from '#shared/events/status-changed-event';
import { CHECKSUM_FORMULAS, type ChecksumFormula } from '#shared/front-payment/callback-checksum';

const NonEmptySchema = v.pipe(v.string(), v.nonEmpty());

/** How old a callback's `timestamp` may be unless CALLBACK_MAX_AGE_SECONDS says otherwise. */
export const DEFAULT_CALLBACK_MAX_AGE_SECONDS = 86_400;

const CallbackEnvironmentSchema = v.object({
  RESERVATIONS_TABLE_NAME: NonEmptySchema,
  EVENT_BUS_NAME: NonEmptySchema,
  EVENT_SOURCE: v.optional(NonEmptySchema, DEFAULT_EVENT_SOURCE),
  CALLBACK_CHECKSUM_FORMULA: v.optional(
    v.picklist(CHECKSUM_FORMULAS, `must be one of ${CHECKSUM_FORMULAS.join(', ')}`),
    'all-parameters',
  ),
  // A day: Front Payment documents no retry policy, so a resend of a day-old change still counts;
  // a captured URL replayed later does not. `0` turns the check off.
  CALLBACK_MAX_AGE_SECONDS: v.optional(WholeNumberSchema, String(DEFAULT_CALLBACK_MAX_AGE_SECONDS)),
  CONFIRM_STATUS_WITH_FRONT_PAYMENT: v.optional(BooleanFlagSchema, 'false'),
  FRONT_PAYMENT_BASE_URL: v.optional(HttpUrlSchema),
  // Shorter than create-session's default: Front Payment waits for our answer meanwhile.
  FRONT_PAYMENT_TIMEOUT_MS: v.optional(PositiveIntegerSchema, '5000'),
});

/** Front Payment's details API, used only when confirmation is on. */
export interface ConfirmationConfig {
  readonly frontPaymentBaseUrl: string;
  readonly frontPaymentToken: SecretSource;
  readonly timeoutMs: number;
}

export interface CallbackConfig {
  readonly reservationsTableName: string;
  readonly eventBusName: string;
  readonly eventSource: string;
  readonly callbackSecret: SecretSource;
  readonly checksumFormula: ChecksumFormula;
  /** Absent when the freshness check is off (`CALLBACK_MAX_AGE_SECONDS=0`). */
  readonly maxAgeSeconds?: number;
  readonly confirmation?: ConfirmationConfig;
}

/** The callback function's configuration, read once at cold start. */
export function loadCallbackConfig(
  environment: Record<string, string | undefined> = process.env,
): CallbackConfig {
  const parsed = parseEnvironment(CallbackEnvironmentSchema, environment);
  return {
    reservationsTableName: parsed.RESERVATIONS_TABLE_NAME,
    eventBusName: parsed.EVENT_BUS_NAME,
    eventSource: parsed.EVENT_SOURCE,
    callbackSecret: secretSourceFromEnvironment('FRONT_PAYMENT_CALLBACK_SECRET', environment),
    checksumFormula: parsed.CALLBACK_CHECKSUM_FORMULA,
    ...(parsed.CALLBACK_MAX_AGE_SECONDS === 0
      ? {}
      : { maxAgeSeconds: parsed.CALLBACK_MAX_AGE_SECONDS }),
    ...(parsed.CONFIRM_STATUS_WITH_FRONT_PAYMENT
      ? { confirmation: confirmationConfig(parsed, environment) }
      : {}),
  };
}

function confirmationConfig(
  parsed: v.InferOutput<typeof CallbackEnvironmentSchema>,
  environment: Record<string, string | undefined>,
): ConfirmationConfig {
  if (!parsed.FRONT_PAYMENT_BASE_URL) {
    throw new ConfigurationError(
      'Invalid configuration: CONFIRM_STATUS_WITH_FRONT_PAYMENT needs FRONT_PAYMENT_BASE_URL',
    );
  }
  return {
    frontPaymentBaseUrl: parsed.FRONT_PAYMENT_BASE_URL,
    frontPaymentToken: secretSourceFromEnvironment('FRONT_PAYMENT_TOKEN', environment),
    timeoutMs: parsed.FRONT_PAYMENT_TIMEOUT_MS,
  };
}
