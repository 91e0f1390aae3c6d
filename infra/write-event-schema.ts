import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { EVENT_SCHEMA_FILE, eventSchemaFileText } from './event-schema-file.ts';

// `npm run schema`: rewrites the committed JSON Schema of the status event's `detail`.
mkdirSync(dirname(EVENT_SCHEMA_FILE), { recursive: true });
writeFileSync(EVENT_SCHEMA_FILE, eventSchemaFileText());
console.log(`wrote ${relative(process.cwd(), EVENT_SCHEMA_FILE)}`);
