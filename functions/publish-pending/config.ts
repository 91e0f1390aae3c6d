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
} from '#shared/config/parse-environment';

const PublishPendingEnvironmentSchema = v.object({
  ...tableEnvironment,
  ...eventBusEnvironment,
  // Kept callbacks are confirmed with Front Payment's details, as in the callback function.
  ...frontPaymentEnvironment(5_000),
});

export interface PublishPendingConfig
  extends TableSettings,
    StatusEventSettings,
    FrontPaymentSettings {}

/** The sweeper's configuration, read once at cold start. */
export function loadPublishPendingConfig(
  environment: Record<string, string | undefined> = process.env,
): PublishPendingConfig {
  const parsed = parseEnvironment(PublishPendingEnvironmentSchema, environment);
  return {
    ...tableSettings(parsed),
    ...statusEventSettings(parsed),
    ...frontPaymentSettings(parsed, environment),
  };
}
