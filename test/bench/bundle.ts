import { mkdtemp, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

/**
 * Bundles an entry the way the CDK house function does (ESM, minified, AWS SDK bundled,
 * `mainFields: ['module', 'main']`), so cold-start figures match what Lambda loads.
 */
export async function bundleLikeLambda(entry: string): Promise<{ file: string; bytes: number }> {
  const outdir = await mkdtemp(join(tmpdir(), 'fp-bench-'));
  const file = join(outdir, 'index.mjs');
  await build({
    entryPoints: [entry],
    outfile: file,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    minify: true,
    mainFields: ['module', 'main'],
    logLevel: 'silent',
  });
  return { file, bytes: (await stat(file)).size };
}

/** The smallest useful handler: middy and nothing else. It is the baseline for cold starts. */
export async function writeBaselineEntry(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fp-bench-baseline-'));
  const entry = join(dir, 'baseline.mjs');
  await writeFile(
    entry,
    `import middy from '${join(process.cwd(), 'node_modules/@middy/core/index.js')}';\n` +
      `export const handler = middy().handler(async () => ({ statusCode: 200, body: 'ok' }));\n`,
  );
  return entry;
}

/** The unavoidable part of every function here: middy and a DynamoDB client. */
export async function writeSdkBaselineEntry(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fp-bench-sdk-baseline-'));
  const entry = join(dir, 'sdk-baseline.mjs');
  const modules = join(process.cwd(), 'node_modules');
  await writeFile(
    entry,
    `import middy from '${modules}/@middy/core/index.js';\n` +
      `import { DynamoDBClient } from '${modules}/@aws-sdk/client-dynamodb/dist-es/index.js';\n` +
      'const client = new DynamoDBClient({});\n' +
      `export const handler = middy().handler(async () => ({ statusCode: 200, body: String(!!client) }));\n`,
  );
  return entry;
}
