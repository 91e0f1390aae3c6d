import { toJsonSchema } from '@valibot/to-json-schema';
import { StatusChangedDetailSchema } from './status-changed-event.ts';

/**
 * The JSON Schema of a status event's `detail`, generated from the valibot schema so the two never
 * drift. For build time only (the CDK construct registers it, tests compare the documented copy):
 * no Lambda imports this module, so `@valibot/to-json-schema`, a devDependency, stays out of the
 * bundles and the conversion does not run at every cold start.
 */
export const statusChangedDetailJsonSchema = toJsonSchema(StatusChangedDetailSchema, {
  target: 'draft-07',
});
