import * as v from 'valibot';
import {
  eventBusEnvironment,
  frontPaymentEnvironment,
  NumberListSchema,
  parseEnvironment,
  tableEnvironment,
} from '#shared/config/parse-environment';
import { type SecretSource, secretSourceFromEnvironment } from '#shared/config/secret-source';

const ReservationCommandsEnvironmentSchema = v.object({
  ...tableEnvironment,
  ...eventBusEnvironment,
  ALLOWED_TAX_RATES: v.optional(NumberListSchema, '0,12,15,25'),
  // Three calls may run in one request (details, the command, details again): see function-timeouts.
  ...frontPaymentEnvironment(6_000),
});

export interface ReservationCommandsConfig {
  readonly reservationsTableName: string;
  readonly eventBusName: string;
  readonly eventSource: string;
  readonly frontPaymentBaseUrl: string;
  readonly frontPaymentToken: SecretSource;
  readonly allowedTaxRates: readonly number[];
  readonly frontPaymentTimeoutMs: number;
}

/** The reservation commands function's configuration, read once at cold start. */
export function loadReservationCommandsConfig(
  environment: Record<string, string | undefined> = process.env,
): ReservationCommandsConfig {
  const parsed = parseEnvironment(ReservationCommandsEnvironmentSchema, environment);
  return {
    reservationsTableName: parsed.RESERVATIONS_TABLE_NAME,
    eventBusName: parsed.EVENT_BUS_NAME,
    eventSource: parsed.EVENT_SOURCE,
    frontPaymentBaseUrl: parsed.FRONT_PAYMENT_BASE_URL,
    frontPaymentToken: secretSourceFromEnvironment('FRONT_PAYMENT_TOKEN', environment),
    allowedTaxRates: parsed.ALLOWED_TAX_RATES,
    frontPaymentTimeoutMs: parsed.FRONT_PAYMENT_TIMEOUT_MS,
  };
}
