import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { HOUSE_BUNDLING } from '../../infra/house-function.ts';
import { FUNCTION_NAMES, floorEntryOf } from '../bench/deployed-bundles.ts';

const REPOSITORY_ROOT = join(import.meta.dirname, '..', '..');

/** The house bundling's module aliases (`--alias:x=y` esbuild arguments) as esbuild options. */
const ALIASES = Object.fromEntries(
  Object.entries(HOUSE_BUNDLING.esbuildArgs).map(([flag, target]) => [
    flag.replace(/^--alias:/, ''),
    target,
  ]),
);

/** The AWS SDK commands a bundle keeps, e.g. `lib-dynamodb UpdateCommand`, after tree-shaking. */
async function sdkCommandsOf(entry: string): Promise<string[]> {
  const { metafile } = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    outfile: 'index.mjs',
    format: 'esm',
    platform: 'node',
    target: HOUSE_BUNDLING.target,
    mainFields: [...HOUSE_BUNDLING.mainFields],
    minify: true,
    alias: ALIASES,
    logLevel: 'silent',
  });
  const inputs = Object.values(metafile.outputs)[0]?.inputs ?? {};
  return Object.entries(inputs)
    .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
    .flatMap(([path]) => {
      const command = /@aws-sdk\/([\w-]+)\/dist-es\/commands\/(\w+Command)\.js$/.exec(path);
      return command ? [`${command[1]} ${command[2]}`] : [];
    })
    .sort();
}

describe('bench floors (npm run bench)', () => {
  it.each(FUNCTION_NAMES)(
    "the floor of %s can send exactly the SDK commands the function's bundle keeps",
    async (name) => {
      const [ours, floor] = await Promise.all([
        sdkCommandsOf(join(REPOSITORY_ROOT, 'functions', name, 'handler.ts')),
        sdkCommandsOf(floorEntryOf(name)),
      ]);

      expect(floor).toEqual(ours);
      expect(ours).toContain('client-secrets-manager GetSecretValueCommand');
    },
  );
});
