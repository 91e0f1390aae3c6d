import * as v from 'valibot';
import { parseEnvironment } from '#shared/config/parse-environment';
import { DEFAULT_EVENT_SOURCE } from '#shared/events/status-changed-event';

const NonEmptySchema = v.pipe(v.string(), v.nonEmpty());

const PublishPendingEnvironmentSchema = v.object({
  RESERVATIONS_TABLE_NAME: NonEmptySchema,
  EVENT_BUS_NAME: NonEmptySchema,
  EVENT_SOURCE: v.optional(NonEmptySchema, DEFAULT_EVENT_SOURCE),
});

export interface PublishPendingConfig {
  readonly reservationsTableName: string;
  readonly eventBusName: string;
  readonly eventSource: string;
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
  };
}
