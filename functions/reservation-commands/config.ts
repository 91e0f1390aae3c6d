import * as v from 'valibot';
import {
  HttpUrlSchema,
  NumberListSchema,
  PositiveIntegerSchema,
  parseEnvironment,
} from '#shared/config/parse-environment';
import { type SecretSource, secretSourceFromEnvironment } from '#shared/config/secret-source';
import { DEFAULT_EVENT_SOURCE } from '#shared/events/status-changed-event';

const NonEmptySchema = v.pipe(v.string(), v.nonEmpty());

const ReservationCommandsEnvironmentSchema = v.object({
  RESERVATIONS_TABLE_NAME: NonEmptySchema,
  EVENT_BUS_NAME: NonEmptySchema,
  EVENT_SOURCE: v.optional(NonEmptySchema, DEFAULT_EVENT_SOURCE),
  FRONT_PAYMENT_BASE_URL: HttpUrlSchema,
  ALLOWED_TAX_RATES: v.optional(NumberListSchema, '0,12,15,25'),
  // Three calls may run in one request (details, the command, details again): see function-timeouts.
  FRONT_PAYMENT_TIMEOUT_MS: v.optional(PositiveIntegerSchema, '6000'),
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
