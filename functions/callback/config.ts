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
  parseEnvironment,
  tableEnvironment,
  WholeNumberSchema,
} from '#shared/config/parse-environment';
import {
  optionalSecretSourceFromEnvironment,
  type SecretSource,
  secretSourceFromEnvironment,
} from '#shared/config/secret-source';
import { CHECKSUM_FORMULAS, type ChecksumFormula } from '#shared/front-payment/callback-checksum';

/** How old a callback's `timestamp` may be unless CALLBACK_MAX_AGE_SECONDS says otherwise. */
export const DEFAULT_CALLBACK_MAX_AGE_SECONDS = 86_400;

const CallbackEnvironmentSchema = v.object({
  ...tableEnvironment,
  ...eventBusEnvironment,
  CALLBACK_CHECKSUM_FORMULA: v.optional(
    v.picklist(CHECKSUM_FORMULAS, `must be one of ${CHECKSUM_FORMULAS.join(', ')}`),
    'all-parameters',
  ),
  // A day: Front Payment documents no retry policy, so a resend of a day-old change still counts;
  // a captured URL replayed later does not. `0` turns the check off.
  CALLBACK_MAX_AGE_SECONDS: v.optional(WholeNumberSchema, String(DEFAULT_CALLBACK_MAX_AGE_SECONDS)),
  // Details are the truth about every change: the callback always reads them.
  // Shorter than create-session's default: Front Payment waits for our answer meanwhile.
  ...frontPaymentEnvironment(5_000),
});

export interface CallbackConfig extends TableSettings, StatusEventSettings, FrontPaymentSettings {
  /** The current secret key and, while it is rotated, the next one. */
  readonly callbackSecrets: readonly SecretSource[];
  readonly checksumFormula: ChecksumFormula;
  /** Absent when the freshness check is off (`CALLBACK_MAX_AGE_SECONDS=0`). */
  readonly maxAgeSeconds?: number;
}

/** The callback function's configuration, read once at cold start. */
export function loadCallbackConfig(
  environment: Record<string, string | undefined> = process.env,
): CallbackConfig {
  const parsed = parseEnvironment(CallbackEnvironmentSchema, environment);
  const next = optionalSecretSourceFromEnvironment(
    'FRONT_PAYMENT_CALLBACK_SECRET_NEXT',
    environment,
  );
  return {
    ...tableSettings(parsed),
    ...statusEventSettings(parsed),
    callbackSecrets: [
      secretSourceFromEnvironment('FRONT_PAYMENT_CALLBACK_SECRET', environment),
      ...(next ? [next] : []),
    ],
    checksumFormula: parsed.CALLBACK_CHECKSUM_FORMULA,
    ...(parsed.CALLBACK_MAX_AGE_SECONDS === 0
      ? {}
      : { maxAgeSeconds: parsed.CALLBACK_MAX_AGE_SECONDS }),
    ...frontPaymentSettings(parsed, environment),
  };
}
