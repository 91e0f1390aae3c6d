/**
 * `npm run docs`: rewrites the generated regions of README.md and docs/*.md from the synthesised
 * stack and the construct's source (counts, routes, outputs, alarms, props, the local parts), and
 * docs/openapi.json from the handlers' schemas. test/infra/docs.test.ts and
 * test/infra/openapi.test.ts fail when one is out of date.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { REPO, renderDocs } from './docs/docs-files.ts';
import { generatedOpenApiText, OPENAPI_PATH } from './openapi/openapi-file.ts';

const openApi = {
  path: OPENAPI_PATH,
  current: existsSync(`${REPO}${OPENAPI_PATH}`)
    ? readFileSync(`${REPO}${OPENAPI_PATH}`, 'utf8')
    : '',
  generated: generatedOpenApiText(),
};
const changed = [...renderDocs(), openApi].filter((doc) => doc.generated !== doc.current);
for (const doc of changed) {
  writeFileSync(`${REPO}${doc.path}`, doc.generated);
  process.stdout.write(`updated ${doc.path}\n`);
}
if (changed.length === 0) process.stdout.write('docs are up to date\n');
