import { fileURLToPath } from 'node:url';
import { statusChangedDetailJsonSchema } from '#shared/events/status-changed-json-schema';

/**
 * The JSON Schema of a status event's `detail`, committed for consumers. It is written from the
 * valibot schema (through `statusChangedDetailJsonSchema`, which the Schema Registry entry also
 * uses) by `npm run schema`; a test fails when the committed file differs from what that writes.
 */
export const EVENT_SCHEMA_FILE = fileURLToPath(
  new URL('../docs/schemas/reservation-status-changed.schema.json', import.meta.url),
);

/** The command that rewrites `EVENT_SCHEMA_FILE`. */
export const EVENT_SCHEMA_COMMAND = 'npm run schema';

/** The file's content: the generated schema as JSON (Biome then formats it). */
export function eventSchemaFileText(): string {
  return `${JSON.stringify(statusChangedDetailJsonSchema, null, 2)}\n`;
}
