import * as v from 'valibot';
import {
  eventBusEnvironment,
  frontPaymentEnvironment,
  parseEnvironment,
  tableEnvironment,
} from '#shared/config/parse-environment';
import { type SecretSource, secretSourceFromEnvironment } from '#shared/config/secret-source';

const PublishPendingEnvironmentSchema = v.object({
  ...tableEnvironment,
  ...eventBusEnvironment,
  // Kept callbacks are confirmed with Front Payment's details, as in the callback function.
  ...frontPaymentEnvironment(5_000),
});

export interface PublishPendingConfig {
  readonly reservationsTableName: string;
  readonly eventBusName: string;
  readonly eventSource: string;
  readonly frontPaymentBaseUrl: string;
  readonly frontPaymentToken: SecretSource;
  readonly frontPaymentTimeoutMs: number;
}

/** The sweeper's configuration, read once at cold start. */
export function loadPublishPendingConfig(
  environment: Record<string, string | undefined> = process.env,
): PublishPendingConfig {
  const parsed = parseEnvironment(PublishPendingEnvironmentSchema, environment);
  return {
    reservationsTableName: parsed.RESERVATIONS_TABLE_NAME,
    eventBusName: parsed.EVENT_BUS_NAME,
    eventSource: parsed.EVENT_SOURCE,
    frontPaymentBaseUrl: parsed.FRONT_PAYMENT_BASE_URL,
    frontPaymentToken: secretSourceFromEnvironment('FRONT_PAYMENT_TOKEN', environment),
    frontPaymentTimeoutMs: parsed.FRONT_PAYMENT_TIMEOUT_MS,
  };
}
