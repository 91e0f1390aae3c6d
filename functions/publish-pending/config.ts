import * as v from 'valibot';
import {
  HttpUrlSchema,
  PositiveIntegerSchema,
  parseEnvironment,
} from '#shared/config/parse-environment';
import { type SecretSource, secretSourceFromEnvironment } from '#shared/config/secret-source';
import { DEFAULT_EVENT_SOURCE } from '#shared/events/status-changed-event';

const NonEmptySchema = v.pipe(v.string(), v.nonEmpty());

const PublishPendingEnvironmentSchema = v.object({
  RESERVATIONS_TABLE_NAME: NonEmptySchema,
  EVENT_BUS_NAME: NonEmptySchema,
  EVENT_SOURCE: v.optional(NonEmptySchema, DEFAULT_EVENT_SOURCE),
  // Kept callbacks are confirmed with Front Payment's details, as in the callback function.
  FRONT_PAYMENT_BASE_URL: HttpUrlSchema,
  FRONT_PAYMENT_TIMEOUT_MS: v.optional(PositiveIntegerSchema, '5000'),
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
