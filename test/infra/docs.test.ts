import { readdirSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { APP_SETTING_NAMES } from '../../infra/app-settings.ts';
import { constructProps } from '../../infra/docs/construct-props.ts';
import { docContents } from '../../infra/docs/doc-contents.ts';
import { docPaths, REPO, type RenderedDoc, renderDocs } from '../../infra/docs/docs-files.ts';
import { fillRegions, markdownTable, regionNames } from '../../infra/docs/generated-regions.ts';
import { type StackFacts, stackFacts } from '../../infra/docs/stack-facts.ts';
import { synthDefaultStack } from '../../infra/docs/synth-stack.ts';
import { SANDBOX_QUIRK_NAMES } from '../../infra/local/local-settings.ts';

const RESYNC = 'Run `npm run docs` to regenerate it, and commit the result.';

let facts: StackFacts;
let rendered: RenderedDoc[];
beforeAll(() => {
  facts = stackFacts(synthDefaultStack());
  rendered = renderDocs(docContents(facts));
});

const read = (path: string) => readFileSync(`${REPO}${path}`, 'utf8');
const docs = () => docPaths().map((path) => ({ path, text: read(path) }));

describe('generated regions of the docs', () => {
  it('are what the synthesised stack and the construct source say today', () => {
    expect(rendered.map((doc) => doc.path)).toEqual(
      expect.arrayContaining(['docs/deploy.md', 'docs/local.md']),
    );
    for (const doc of rendered) {
      const stale = regionNames(doc.current).filter(
        (name) => regionOf(doc.current, name) !== regionOf(doc.generated, name),
      );
      expect(
        stale,
        `${doc.path}: the generated regions ${stale.join(', ')} are out of date. ${RESYNC}`,
      ).toEqual([]);
    }
  });

  it('refuse a region the generator does not know, and replace only between the markers', () => {
    const text =
      'a <!-- generated:n -->old<!-- /generated:n --> b\n<!-- generated:t -->\nx\n<!-- /generated:t -->';
    expect(fillRegions(text, { n: '3', t: '| a |' })).toBe(
      'a <!-- generated:n -->3<!-- /generated:n --> b\n<!-- generated:t -->\n| a |\n<!-- /generated:t -->',
    );
    expect(() => fillRegions('<!-- generated:nope -->x<!-- /generated:nope -->', {})).toThrow(
      /No generator for the region "nope"/,
    );
    expect(markdownTable(['a', 'b'], [['x|y', 'z']])).toBe(
      '| a    | b   |\n| ---- | --- |\n| x\\|y | z   |',
    );
  });
});

describe('what the docs name exists in the code', () => {
  it('every alarm has a row in the runbook of docs/deploy.md, and every row names an alarm', () => {
    const names = runbookNames(read('docs/deploy.md'));
    const alarms = facts.alarms.map((alarm) => alarm.name);
    const covers = (name: string, alarm: string) =>
      name.startsWith('…') ? alarm.endsWith(name.slice(1)) : alarm === name;
    const withoutRow = alarms.filter((alarm) => !names.some((name) => covers(name, alarm)));
    const withoutAlarm = names.filter((name) => !alarms.some((alarm) => covers(name, alarm)));
    expect(
      withoutRow,
      'Add a row for each of these alarms to the table after the generated alarm list in docs/deploy.md ("what it means", "what to do")',
    ).toEqual([]);
    expect(withoutAlarm, 'These runbook rows of docs/deploy.md name no alarm of the stack').toEqual(
      [],
    );
  });

  it("docs/deploy.md's settings table lists every app setting with its variable, and no other", () => {
    const deployMd = read('docs/deploy.md');
    expect(new Set(tableNames(deployMd, '### Settings', 0))).toEqual(
      new Set(Object.keys(APP_SETTING_NAMES)),
    );
    expect(new Set(tableNames(deployMd, '### Settings', 1))).toEqual(
      new Set(Object.values(APP_SETTING_NAMES)),
    );
  });

  it("docs/local.md's quirks table lists every SANDBOX_QUIRKS name, and no other", () => {
    expect(new Set(tableNames(read('docs/local.md'), '### Quirks', 0))).toEqual(
      new Set(Object.keys(SANDBOX_QUIRK_NAMES)),
    );
  });

  it('every route a doc names is a route of the HTTP API', () => {
    const routes = new Set(facts.routes.map((route) => anyParameter(route.routeKey)));
    const unknown = docs().flatMap(({ path, text }) =>
      [...text.matchAll(/`((?:GET|POST|PUT|PATCH|DELETE) \/(?:reservations|callbacks)[^`?\s]*)/g)]
        .map((match) => match[1] ?? '')
        .filter((route) => !routes.has(anyParameter(route)))
        .map((route) => `${path}: ${route}`),
    );
    expect(unknown, `routes the stack does not have: ${[...routes].join(', ')}`).toEqual([]);
  });

  it('every output a doc names is an output of the stack', () => {
    const outputs = new Set(facts.outputs.map((output) => output.name));
    const patterns = [/\boutput ([A-Z]\w+)/g, /`([A-Z]\w+)` output/g, /<([A-Z]\w+) output>/g];
    const unknown = docs().flatMap(({ path, text }) =>
      patterns
        .flatMap((pattern) => [...text.matchAll(pattern)].map((match) => match[1] ?? ''))
        .filter((name) => !outputs.has(name))
        .map((name) => `${path}: ${name}`),
    );
    expect(unknown, `outputs of the stack: ${[...outputs].join(', ')}`).toEqual([]);
  });

  it('every construct prop a doc names is a prop of FrontPaymentReservationsProps', () => {
    const props = new Set(constructProps().map((prop) => prop.name));
    const patterns = [/\bprops? `(\w+)`/g, /`(\w+)` props?\b/g];
    const unknown = docs().flatMap(({ path, text }) =>
      patterns
        .flatMap((pattern) => [...text.matchAll(pattern)].map((match) => match[1] ?? ''))
        .filter((name) => !props.has(name))
        .map((name) => `${path}: ${name}`),
    );
    expect(unknown).toEqual([]);
  });

  it('every camelCase identifier a doc quotes occurs in the code', () => {
    const code = sourceText();
    // docs/front-payment.md quotes Front Payment's own words (message keys), not ours.
    const unknown = docs()
      .filter(({ path }) => path !== 'docs/front-payment.md')
      .flatMap(({ path, text }) =>
        [...new Set([...text.matchAll(/`([a-z][a-z0-9]*[A-Z][A-Za-z0-9]*)`/g)].map((m) => m[1]))]
          .filter((name) => name && !new RegExp(`\\b${name}\\b`).test(code))
          .map((name) => `${path}: ${name}`),
      );
    expect(unknown, 'names no file in functions/, shared/, infra/ or test/ has').toEqual([]);
  });
});

function regionOf(text: string, name: string): string | undefined {
  const start = text.indexOf(`<!-- generated:${name} -->`);
  const end = text.indexOf(`<!-- /generated:${name} -->`, start);
  return start === -1 ? undefined : text.slice(start, end);
}

/** The backticked names in the first column of the alarms section's "what to do" table. */
function runbookNames(deployMd: string): string[] {
  const section = deployMd.slice(deployMd.indexOf('\n## Alarms'));
  const next = section.indexOf('\n## ', 1);
  const lines = (next === -1 ? section : section.slice(0, next)).split('\n');
  const header = lines.findIndex(
    (line) => line.startsWith('| alarm ') && line.includes('what to do'),
  );
  if (header === -1) return [];
  const rows = lines.slice(header + 2);
  const end = rows.findIndex((line) => !line.startsWith('|'));
  return rows
    .slice(0, end === -1 ? undefined : end)
    .flatMap((row) => [...(row.split('|')[1] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? ''));
}

/** The backticked names in `column` of the first table after `heading`. */
function tableNames(text: string, heading: string, column: number): string[] {
  const lines = text.slice(text.indexOf(`\n${heading}\n`)).split('\n');
  const header = lines.findIndex((line) => line.startsWith('|'));
  const rows = lines.slice(header + 2);
  const end = rows.findIndex((line) => !line.startsWith('|'));
  return rows
    .slice(0, end === -1 ? undefined : end)
    .flatMap((row) => [...(row.split('|')[column + 1] ?? '').matchAll(/`([^`]+)`/g)])
    .map((match) => match[1] ?? '');
}

/** `{id}` and `{reservationId}` are the same route. */
function anyParameter(routeKey: string): string {
  return routeKey.replace(/\{[^}]+\}/g, '{}');
}

/** Every TypeScript and configuration file of the repository, as one text. */
function sourceText(): string {
  const files = ['functions', 'shared', 'infra', 'test'].flatMap((folder) =>
    readdirSync(`${REPO}${folder}`, { recursive: true })
      .map(String)
      .filter((name) => name.endsWith('.ts'))
      .map((name) => `${folder}/${name}`),
  );
  return [...files, 'tsconfig.json', 'package.json', 'cdk.json', 'biome.json'].map(read).join('\n');
}
