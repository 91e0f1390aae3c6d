import { writeFileSync } from 'node:fs';
import { statusChangedDetailJsonSchema } from '#shared/events/status-changed-json-schema';

/**
 * Writes the status event's JSON Schema, generated from the valibot schema, to the committed copy
 * consumers read (`npm run schemas`); a unit test fails while the copy is out of date.
 */
export const EVENT_SCHEMA_FILE = new URL(
  '../docs/schemas/reservation-status-changed.schema.json',
  import.meta.url,
);

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(EVENT_SCHEMA_FILE, `${JSON.stringify(statusChangedDetailJsonSchema, null, 2)}\n`);
}
