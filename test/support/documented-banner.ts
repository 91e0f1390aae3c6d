import { readFileSync } from 'node:fs';
import { LOCAL_DEFAULTS } from '../../infra/local/local-defaults.ts';

const MARKER = '<!-- sample:npm-start-banner';

/** The sample banner of docs/local.md: the fenced block right after its marker. */
export function documentedBanner(): string[] {
  const page = readFileSync(new URL('../../docs/local.md', import.meta.url), 'utf8');
  const at = page.indexOf(MARKER);
  if (at === -1) throw new Error(`docs/local.md has no ${MARKER} marker`);
  const start = page.indexOf('```text\n', at) + '```text\n'.length;
  return neutral(page.slice(start, page.indexOf('\n```', start)).split('\n'));
}

export interface BannerPorts {
  readonly port: number;
  readonly dynamoDbPort: number;
  readonly eventBridgePort: number;
  readonly sandboxPort: number;
}

/** What `npm start` printed, as if it ran on the default ports. */
export function bannerAsDocumented(output: string, ports: BannerPorts): string[] {
  let text = output;
  for (const key of ['port', 'dynamoDbPort', 'eventBridgePort', 'sandboxPort'] as const) {
    text = text.replaceAll(`127.0.0.1:${ports[key]}`, `127.0.0.1:${LOCAL_DEFAULTS[key]}`);
  }
  // On the default port the demo command has no API_URL (demo-command.ts).
  text = text.replaceAll(
    `API_URL=http://127.0.0.1:${LOCAL_DEFAULTS.port} npm run demo`,
    'npm run demo',
  );
  return neutral(text.trimEnd().split('\n'));
}

/**
 * Whether `sample` (lines where `…` stands for any text, and a line of only `…` for any lines)
 * appears in `actual` as one run of lines.
 */
export function sampleMatches(sample: readonly string[], actual: readonly string[]): boolean {
  const patterns = sample.map((line) =>
    line === '…'
      ? undefined
      : new RegExp(`^${line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replaceAll('…', '.*')}$`),
  );
  const from = (s: number, a: number): boolean => {
    if (s === patterns.length) return true;
    const pattern = patterns[s];
    if (!pattern) return from(s + 1, a) || (a < actual.length && from(s, a + 1));
    return a < actual.length && pattern.test(actual[a] ?? '') && from(s + 1, a + 1);
  };
  return actual.some((_, start) => from(0, start));
}

/** The per-run parts, the same on both sides: the Idempotency-Key and the start time. */
function neutral(lines: readonly string[]): string[] {
  return lines.map((line) =>
    line
      .replace(/local-[0-9a-f]{8}/g, 'local-<key>')
      .replace(/^Started in [\d.]+ s\./, 'Started in <n> s.'),
  );
}
