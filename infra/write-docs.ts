/**
 * `npm run docs`: rewrites the generated regions of README.md and docs/*.md from the synthesised
 * stack and the construct's source (counts, routes, outputs, alarms, props, the local parts).
 * test/infra/docs.test.ts fails when a region is out of date.
 */
import { writeFileSync } from 'node:fs';
import { REPO, renderDocs } from './docs/docs-files.ts';

const changed = renderDocs().filter((doc) => doc.generated !== doc.current);
for (const doc of changed) {
  writeFileSync(`${REPO}${doc.path}`, doc.generated);
  process.stdout.write(`updated ${doc.path}\n`);
}
if (changed.length === 0) process.stdout.write('docs are up to date\n');
