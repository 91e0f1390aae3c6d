import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { EVENT_SCHEMA_FILES, eventSchemaFileText } from './event-schema-file.ts';

// `npm run schema`: rewrites the committed JSON Schema of each event's `detail`.
for (const file of EVENT_SCHEMA_FILES) {
  mkdirSync(dirname(file.path), { recursive: true });
  writeFileSync(file.path, eventSchemaFileText(file));
  console.log(`wrote ${relative(process.cwd(), file.path)}`);
}
