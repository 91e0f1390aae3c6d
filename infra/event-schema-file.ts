import { fileURLToPath } from 'node:url';
import { EVENT_TYPES, type EventType } from './event-schema.ts';

/** The JSON Schema of one event type's `detail`, committed for consumers. */
export interface EventSchemaFile extends EventType {
  /** Absolute path of the committed file. */
  readonly path: string;
}

/**
 * One file per event type we publish (docs/schemas/reservation-<id>.schema.json), written from
 * the valibot schemas by `npm run schema`, as the Schema Registry entries are; a test fails when
 * a committed file differs from what that writes.
 */
export const EVENT_SCHEMA_FILES: readonly EventSchemaFile[] = EVENT_TYPES.map((eventType) => ({
  ...eventType,
  path: fileURLToPath(
    new URL(`../docs/schemas/reservation-${eventType.id}.schema.json`, import.meta.url),
  ),
}));

/** The command that rewrites the files. */
export const EVENT_SCHEMA_COMMAND = 'npm run schema';

/** A file's content: the generated schema as JSON (Biome then formats it). */
export function eventSchemaFileText(file: EventSchemaFile): string {
  return `${JSON.stringify(file.detailSchema, null, 2)}\n`;
}
