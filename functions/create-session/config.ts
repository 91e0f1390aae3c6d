import * as v from 'valibot';
import {
  frontPaymentEnvironment,
  HttpUrlSchema,
  NumberListSchema,
  parseEnvironment,
  tableEnvironment,
} from '#shared/config/parse-environment';
import { type SecretSource, secretSourceFromEnvironment } from '#shared/config/secret-source';

const CreateSessionEnvironmentSchema = v.object({
  ...tableEnvironment,
  CALLBACK_BASE_URL: HttpUrlSchema,
  ALLOWED_TAX_RATES: v.optional(NumberListSchema, '0,12,15,25'),
  ...frontPaymentEnvironment(10_000),
});

export interface CreateSessionConfig {
  readonly reservationsTableName: string;
  readonly frontPaymentBaseUrl: string;
  readonly frontPaymentToken: SecretSource;
  readonly callbackUrl: string;
  readonly allowedTaxRates: readonly number[];
  readonly frontPaymentTimeoutMs: number;
}

/** The create-session function's configuration, read once at cold start. */
export function loadCreateSessionConfig(
  environment: Record<string, string | undefined> = process.env,
): CreateSessionConfig {
  const parsed = parseEnvironment(CreateSessionEnvironmentSchema, environment);
  return {
    reservationsTableName: parsed.RESERVATIONS_TABLE_NAME,
    frontPaymentBaseUrl: parsed.FRONT_PAYMENT_BASE_URL,
    frontPaymentToken: secretSourceFromEnvironment('FRONT_PAYMENT_TOKEN', environment),
    callbackUrl: `${parsed.CALLBACK_BASE_URL}/callbacks/front-payment`,
    allowedTaxRates: parsed.ALLOWED_TAX_RATES,
    frontPaymentTimeoutMs: parsed.FRONT_PAYMENT_TIMEOUT_MS,
  };
}
