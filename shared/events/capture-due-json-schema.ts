import { toJsonSchema } from '@valibot/to-json-schema';
import { CaptureDueDetailSchema } from './capture-due-event.ts';

/**
 * The JSON Schema of a capture-due event's `detail`, generated from the valibot schema, for build
 * time only (as `status-changed-json-schema.ts`: no Lambda imports it).
 */
export const captureDueDetailJsonSchema = toJsonSchema(CaptureDueDetailSchema, {
  target: 'draft-07',
});
