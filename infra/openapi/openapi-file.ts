import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { merchantApiDocument } from './openapi-document.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** The committed OpenAPI document, relative to the repository (served by `npm start` too). */
export const OPENAPI_PATH = 'docs/openapi.json';

/** The generated document as `npm run docs` writes it: JSON as Biome formats it. */
export function generatedOpenApiText(): string {
  return execFileSync(
    `${REPO}node_modules/.bin/biome`,
    ['format', `--stdin-file-path=${OPENAPI_PATH}`],
    { cwd: REPO, input: JSON.stringify(merchantApiDocument()), encoding: 'utf8' },
  );
}

/** The committed document: what merchants download, and what real answers are checked against. */
export function committedOpenApiText(): string {
  return readFileSync(`${REPO}${OPENAPI_PATH}`, 'utf8');
}
