import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { FrontPaymentReservations } from '../../infra/front-payment-reservations.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The files `npm pack` would put in the package, relative to the repository's root. */
function packedFiles(): Set<string> {
  const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const [pack] = JSON.parse(output) as { files: { path: string }[] }[];
  return new Set(pack?.files.map((file) => file.path));
}

/** Every source file the construct and the handlers it bundles import, as esbuild resolves them. */
async function sourcesOf(entryPoints: string[]): Promise<string[]> {
  const { metafile } = await build({
    entryPoints,
    bundle: true,
    write: false,
    outdir: 'unused',
    metafile: true,
    platform: 'node',
    format: 'esm',
    // Dependencies come from the consumer's node_modules; only our own files must be packed.
    packages: 'external',
    logLevel: 'silent',
  });
  return Object.keys(metafile.inputs);
}

let packed: Set<string>;
beforeAll(() => {
  packed = packedFiles();
});

describe('the package another CDK app installs', () => {
  it('exports the construct under the package name', async () => {
    const exported = await import('front-payment-reservations');

    expect(exported.FrontPaymentReservations).toBe(FrontPaymentReservations);
  });

  it('holds every file the construct and its five handlers need', async () => {
    const handlers = readdirSync(`${ROOT}functions`).map((name) => `functions/${name}/handler.ts`);
    expect(handlers).toHaveLength(5);

    const sources = await sourcesOf(['infra/index.ts', ...handlers]);

    expect(sources.filter((source) => !packed.has(source))).toEqual([]);
    // The bundles' credentials alias is not imported by name, only passed to esbuild.
    expect(packed.has('shared/aws/lambda-credentials.ts')).toBe(true);
  });

  it("leaves out this repository's app, local stack and tests", () => {
    const ours = [...packed].filter(
      (path) =>
        path.startsWith('test/') ||
        path.startsWith('infra/local/') ||
        path.startsWith('infra/integ/') ||
        path === 'infra/app.ts',
    );

    expect(ours).toEqual([]);
  });
});
