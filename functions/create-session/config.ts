import * as v from 'valibot';
import {
  type FrontPaymentSettings,
  frontPaymentSettings,
  type TableSettings,
  tableSettings,
} from '#shared/config/function-settings';
import {
  frontPaymentEnvironment,
  HttpUrlSchema,
  NumberListSchema,
  parseEnvironment,
  tableEnvironment,
} from '#shared/config/parse-environment';

const CreateSessionEnvironmentSchema = v.object({
  ...tableEnvironment,
  CALLBACK_BASE_URL: HttpUrlSchema,
  ALLOWED_TAX_RATES: v.optional(NumberListSchema, '0,12,15,25'),
  ...frontPaymentEnvironment(10_000),
});

export interface CreateSessionConfig extends TableSettings, FrontPaymentSettings {
  readonly callbackUrl: string;
  readonly allowedTaxRates: readonly number[];
}

/** The create-session function's configuration, read once at cold start. */
export function loadCreateSessionConfig(
  environment: Record<string, string | undefined> = process.env,
): CreateSessionConfig {
  const parsed = parseEnvironment(CreateSessionEnvironmentSchema, environment);
  return {
    ...tableSettings(parsed),
    ...frontPaymentSettings(parsed, environment),
    callbackUrl: `${parsed.CALLBACK_BASE_URL}/callbacks/front-payment`,
    allowedTaxRates: parsed.ALLOWED_TAX_RATES,
  };
}
