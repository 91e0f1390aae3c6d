import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Chromium from '@sparticuz/chromium';
import { type Browser, chromium } from 'playwright-core';

/** Debian's package (`apt-get install chromium`), used when the machine has it. */
const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/**
 * Our flags, not `Chromium.args`: the package's defaults are made for AWS Lambda and include
 * `--single-process` and `--disable-web-security`, which would test a browser unlike a person's.
 */
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * The first unpack of the npm package's Chromium (about 200 MB) takes about 8 s on an idle
 * machine; later runs reuse it. Hooks that launch Chromium allow this much.
 */
export const CHROMIUM_FIRST_LAUNCH_TIMEOUT_MS = 120_000;

/**
 * The Chromium the end-to-end tests drive: `CHROMIUM_PATH` if set, else Debian's
 * `/usr/bin/chromium`, else the one shipped inside the `@sparticuz/chromium` npm package, so a
 * fresh machine needs nothing but `npm ci`.
 */
export async function chromiumExecutable(): Promise<string> {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  if (existsSync(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM;
  return unpackedNpmChromium();
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: await chromiumExecutable(),
    args: CHROMIUM_FLAGS,
    headless: true,
  });
}

/**
 * `Chromium.executablePath()` unpacks into the temp dir itself (`chromium`, `fonts` and the
 * SwiftShader libraries side by side) and reuses whatever `chromium` file it finds there, even a
 * half-written one or another version's. So it unpacks into a staging folder, pointed to through
 * TMPDIR (which `os.tmpdir()` reads on every call), that is renamed to a folder named after the
 * package's version only once complete: one entry in the temp dir, reused by every later run.
 */
async function unpackedNpmChromium(): Promise<string> {
  const folder = join(tmpdir(), `sparticuz-chromium-${npmChromiumVersion()}`);
  const executable = join(folder, 'chromium');
  if (existsSync(executable)) return executable;
  const staging = await mkdtemp(`${folder}.unpacking-`);
  try {
    await withTempDir(staging, () => Chromium.executablePath());
    await rename(staging, folder).catch((error: NodeJS.ErrnoException) => {
      // Another test run finished the same unpack first: use theirs.
      if (!existsSync(executable)) throw error;
    });
    return executable;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * The package reads `os.tmpdir()` only synchronously, when the call starts (where to look and
 * where to unpack), so TMPDIR is changed only for that moment, never while other code awaits.
 */
function withTempDir<T>(dir: string, start: () => Promise<T>): Promise<T> {
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  try {
    return start();
  } finally {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
  }
}

function npmChromiumVersion(): string {
  // The package's `exports` hide its package.json; it sits two folders above the CommonJS entry.
  const entry = createRequire(import.meta.url).resolve('@sparticuz/chromium');
  const manifest = join(dirname(entry), '..', '..', 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}
