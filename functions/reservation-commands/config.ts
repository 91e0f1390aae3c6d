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
  NumberListSchema,
  parseEnvironment,
  tableEnvironment,
} from '#shared/config/parse-environment';

const ReservationCommandsEnvironmentSchema = v.object({
  ...tableEnvironment,
  ...eventBusEnvironment,
  ALLOWED_TAX_RATES: v.optional(NumberListSchema, '0,12,15,25'),
  // Three calls may run in one request (details, the command, details again): see function-timeouts.
  ...frontPaymentEnvironment(6_000),
});

export interface ReservationCommandsConfig
  extends TableSettings,
    StatusEventSettings,
    FrontPaymentSettings {
  readonly allowedTaxRates: readonly number[];
}

/** The reservation commands function's configuration, read once at cold start. */
export function loadReservationCommandsConfig(
  environment: Record<string, string | undefined> = process.env,
): ReservationCommandsConfig {
  const parsed = parseEnvironment(ReservationCommandsEnvironmentSchema, environment);
  return {
    ...tableSettings(parsed),
    ...statusEventSettings(parsed),
    ...frontPaymentSettings(parsed, environment),
    allowedTaxRates: parsed.ALLOWED_TAX_RATES,
  };
}
