import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type DocContents, docContents } from './doc-contents.ts';
import { fillRegions, regionNames } from './generated-regions.ts';
import { stackFacts } from './stack-facts.ts';
import { synthDefaultStack } from './synth-stack.ts';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** README.md and every page in docs/, relative to the repository. */
export function docPaths(): string[] {
  const pages = readdirSync(`${REPO}docs`).filter((name) => name.endsWith('.md'));
  return ['README.md', ...pages.sort().map((name) => `docs/${name}`)];
}

export interface RenderedDoc {
  readonly path: string;
  readonly current: string;
  readonly generated: string;
}

/** Every doc page with generated regions, as it is and as the code says it should be. */
export function renderDocs(
  contents: DocContents = docContents(stackFacts(synthDefaultStack())),
): RenderedDoc[] {
  return docPaths()
    .map((path) => ({ path, current: readFileSync(`${REPO}${path}`, 'utf8') }))
    .filter(({ current }) => regionNames(current).length > 0)
    .map(({ path, current }) => ({
      path,
      current,
      generated: formatMarkdown(path, fillRegions(current, contents)),
    }));
}

/** `npm run check` runs Biome on the docs too: what is generated is what Biome would keep. */
function formatMarkdown(path: string, text: string): string {
  return execFileSync(`${REPO}node_modules/.bin/biome`, ['format', `--stdin-file-path=${path}`], {
    cwd: REPO,
    input: text,
    encoding: 'utf8',
  });
}
