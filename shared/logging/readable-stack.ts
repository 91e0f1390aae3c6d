import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * Stack traces of the deployed bundle that point at our TypeScript sources, without
 * `--enable-source-maps`: that flag makes Node read and parse each bundle's source map at every
 * cold start (tens of milliseconds and megabytes), while a stack is read only when an error is
 * logged. V8 formats a stack the first time `error.stack` is read; this hook maps the frames
 * then, loading a bundle's `.map` file on first need and keeping it.
 *
 * Installed only in a bundle with its map beside it, and when Node maps nothing itself: from the
 * sources (tsx, vitest) or under `--enable-source-maps`, their own mapping stays in charge.
 */
export function installReadableStacks(): void {
  const bundleMap = `${fileURLToPath(import.meta.url)}.map`;
  if (process.sourceMapsEnabled || !existsSync(bundleMap)) return;
  Error.prepareStackTrace = (error, callSites) =>
    [headerOf(error), ...callSites.map((site) => `    at ${mappedFrame(site)}`)].join('\n');
}

/** The first line as V8 writes it: `Name: message`. */
function headerOf(error: unknown): string {
  try {
    return String(error);
  } catch {
    return 'Error';
  }
}

function mappedFrame(site: NodeJS.CallSite): string {
  const frame = String(site);
  const file = site.getFileName();
  const line = site.getLineNumber();
  const column = site.getColumnNumber();
  if (!file || line === null || column === null) return frame;
  const entry = sourceMapOf(file)?.findEntry(line - 1, column - 1);
  if (!entry || !('originalSource' in entry)) return frame;
  const original = `${shortSource(entry.originalSource)}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  return frame.replace(`${file}:${line}:${column}`, original);
}

const sourceMaps = new Map<string, SourceMap | undefined>();

/** The source map beside a bundle file (`index.mjs.map`), parsed once; none for other files. */
function sourceMapOf(file: string): SourceMap | undefined {
  if (!sourceMaps.has(file)) sourceMaps.set(file, readSourceMap(file));
  return sourceMaps.get(file);
}

function readSourceMap(file: string): SourceMap | undefined {
  if (!file.startsWith('file:') && !file.startsWith('/')) return undefined;
  try {
    const path = file.startsWith('file:') ? fileURLToPath(file) : file;
    return new SourceMap(JSON.parse(readFileSync(`${path}.map`, 'utf8')));
  } catch {
    return undefined;
  }
}

/** `../../../functions/callback/handler.ts` -> `functions/callback/handler.ts`. */
function shortSource(source: string): string {
  return /(?:^|\/)((?:functions|shared|infra|node_modules)\/.*)$/.exec(source)?.[1] ?? source;
}
