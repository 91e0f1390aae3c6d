import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { App, Stack } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { FrontPaymentReservations } from '../../infra/front-payment-reservations.ts';
import { HANDLER_EXPORT } from '../../infra/house-function.ts';
import { outputOf } from '../support/captured-output.ts';
import { CDK_JSON_CONTEXT } from './support/cdk-json.ts';
import { testOutdir } from './support/synth.ts';

const run = promisify(execFile);

/** Variables each handler parses at import (cold start); values only need to be well formed. */
const COLD_START_ENVIRONMENT: Record<string, Record<string, string>> = {
  'create-session': {
    RESERVATIONS_TABLE_NAME: 'reservations',
    FRONT_PAYMENT_BASE_URL: 'https://demo-api.frontpayment.no',
    FRONT_PAYMENT_TOKEN_ARN: 'arn:aws:secretsmanager:eu-north-1:111111111111:secret:t-AbCdEf',
    CALLBACK_BASE_URL: 'https://abc123.execute-api.eu-north-1.amazonaws.com',
  },
  callback: {
    RESERVATIONS_TABLE_NAME: 'reservations',
    EVENT_BUS_NAME: 'bus',
    FRONT_PAYMENT_CALLBACK_SECRET_ARN:
      'arn:aws:secretsmanager:eu-north-1:111111111111:secret:c-AbCdEf',
    FRONT_PAYMENT_BASE_URL: 'https://demo-api.frontpayment.no',
    FRONT_PAYMENT_TOKEN_ARN: 'arn:aws:secretsmanager:eu-north-1:111111111111:secret:t-AbCdEf',
  },
  'publish-pending': {
    RESERVATIONS_TABLE_NAME: 'reservations',
    EVENT_BUS_NAME: 'bus',
    EVENT_SOURCE: 'frontpayment.reservations',
    FRONT_PAYMENT_BASE_URL: 'https://demo-api.frontpayment.no',
    FRONT_PAYMENT_TOKEN_ARN: 'arn:aws:secretsmanager:eu-north-1:111111111111:secret:t-AbCdEf',
  },
  reconcile: {
    RESERVATIONS_TABLE_NAME: 'reservations',
    EVENT_BUS_NAME: 'bus',
    EVENT_SOURCE: 'frontpayment.reservations',
    FRONT_PAYMENT_BASE_URL: 'https://demo-api.frontpayment.no',
    FRONT_PAYMENT_TOKEN_ARN: 'arn:aws:secretsmanager:eu-north-1:111111111111:secret:t-AbCdEf',
  },
};

/**
 * Bytes of each minified bundle: V8 parses every byte at each cold start (about a third of a
 * millisecond of CPU per KiB, `npm run bench`), so growth shows here first. About 5 % above the
 * sizes measured once our own logger replaced Powertools' and create-session got its own Front
 * Payment client (272, 314, 303, 321 and 348 KB). docs/testing.md says how to weigh an increase
 * with `npm run bench`.
 */
const BUNDLE_BUDGET_BYTES: Record<string, number> = {
  'create-session': 286_000,
  callback: 330_000,
  'publish-pending': 318_000,
  reconcile: 337_000,
  'reservation-commands': 365_000,
};

// The one test with esbuild bundling on (about a second per function).
describe('bundles (esbuild, bundling on)', () => {
  let outdir: string;
  let bundlingOutput: string;
  const bundles: Record<string, string> = {};
  const nodeOptions: Record<string, string | undefined> = {};

  beforeAll(() => {
    outdir = testOutdir();
    const app = new App({ outdir, context: { ...CDK_JSON_CONTEXT } });
    const stack = new Stack(app, 'bundle-stack');
    // NodejsFunction bundles while it is constructed; CDK reports each bundle on stderr.
    const built = outputOf(() => {
      const reservations = new FrontPaymentReservations(stack, 'reservations');
      return { reservations, assembly: app.synth() };
    });
    const { reservations, assembly } = built.result;
    bundlingOutput = built.text;
    const template = assembly.getStackByName(stack.stackName).template;
    for (const [name, fn] of [
      ['create-session', reservations.createSessionFunction],
      ['callback', reservations.callbackFunction],
      ['publish-pending', reservations.publishPendingFunction],
      ['reconcile', reservations.reconcileFunction],
      ['reservation-commands', reservations.reservationCommandsFunction],
    ] as const) {
      const logicalId = stack.getLogicalId(fn.node.defaultChild as never);
      const key: string = template.Resources[logicalId].Properties.Code.S3Key;
      bundles[name] = join(outdir, `asset.${key.replace(/\.zip$/, '')}`);
      nodeOptions[name] =
        template.Resources[logicalId].Properties.Environment.Variables.NODE_OPTIONS;
    }
  }, 300_000);

  it('bundles each function with esbuild, which reports no warning', () => {
    for (const name of ['create-session', 'callback', 'publish-pending', 'reconcile']) {
      expect(bundlingOutput).toContain(`Bundling asset bundle-stack/reservations/${name}/`);
    }
    expect(bundlingOutput).not.toMatch(/warning/i);
  });

  it('writes a minified ESM index.mjs with an external source map and no sources inside', () => {
    for (const directory of Object.values(bundles)) {
      const code = readFileSync(join(directory, 'index.mjs'), 'utf8');
      const lines = code.split('\n');
      // Minified: a few dozen very long lines (plus license comments), not ~10 000 readable ones.
      expect(lines.length).toBeLessThan(200);
      expect(code.length / lines.length).toBeGreaterThan(2_000);
      expect(code).toMatch(/export\s*\{[^}]*\bas handler\b[^}]*\}|export\s*\{[^}]*\bhandler\b/);
      expect(code).not.toMatch(/\bmodule\.exports\b/);
      expect(code).toContain('//# sourceMappingURL=index.mjs.map');
      const map = JSON.parse(readFileSync(join(directory, 'index.mjs.map'), 'utf8'));
      expect(map.sourcesContent).toBeUndefined();
      // AWS SDK inside the bundle (externalModules: []), yet far below Lambda's limits.
      expect(code).toContain('DynamoDB');
      expect(statSync(join(directory, 'index.mjs')).size).toBeLessThan(1_000_000);
    }
  });

  it('keeps each bundle within its byte budget, without the SDK default credential chain', () => {
    for (const [name, directory] of Object.entries(bundles)) {
      const map = JSON.parse(readFileSync(join(directory, 'index.mjs.map'), 'utf8'));
      const chain = (map.sources as string[]).filter((source) =>
        /@aws-sdk\/(credential-provider-(node|ini|sso|process|web-identity|http)|nested-clients|client-sso)\//.test(
          source,
        ),
      );
      expect(chain, name).toEqual([]);
      // The merchant client (with its signer) is for merchants' services, never for a function.
      const client = (map.sources as string[]).filter((source) =>
        source.includes('shared/client/'),
      );
      expect(client, name).toEqual([]);
      expect(statSync(join(directory, 'index.mjs')).size, name).toBeLessThan(
        BUNDLE_BUDGET_BYTES[name] ?? 0,
      );
    }
  });

  /** Runs `script` (an ES module) in a fresh Node, with Lambda's variables and the template's. */
  const runAsDeployed = async (
    name: string,
    script: string,
    environment: Record<string, string>,
  ) => {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      env: {
        PATH: process.env.PATH ?? '',
        ...(nodeOptions[name] ? { NODE_OPTIONS: nodeOptions[name] } : {}),
        AWS_REGION: 'eu-north-1',
        AWS_ACCESS_KEY_ID: 'bundle-test',
        AWS_SECRET_ACCESS_KEY: 'bundle-test',
        LOG_LEVEL: 'SILENT',
        ...environment,
      },
    });
    return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
  };

  it('signs AWS requests with the credentials Lambda puts in the environment', async () => {
    const file = join(bundles['publish-pending'] as string, 'index.mjs');
    // Nothing listens on port 9: the first DynamoDB call is refused and the handler throws.
    const { code } = await runAsDeployed(
      'publish-pending',
      `const { handler } = await import(${JSON.stringify(file)});` +
        'try { await handler({}, { getRemainingTimeInMillis: () => 30000 }); }' +
        ' catch (error) { console.log(JSON.stringify({ code: error.code ?? error.name })); }',
      {
        ...COLD_START_ENVIRONMENT['publish-pending'],
        AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9',
        AWS_MAX_ATTEMPTS: '1',
      },
    );

    // Refused by the closed port, so the request was signed: no CredentialsProviderError.
    expect(code).toBe('ECONNREFUSED');
  });

  it('runs without --enable-source-maps, yet an error stack names our TypeScript sources', async () => {
    const file = join(bundles['publish-pending'] as string, 'index.mjs');
    const { RESERVATIONS_TABLE_NAME: _missing, ...withoutTable } =
      COLD_START_ENVIRONMENT['publish-pending'] ?? {};
    // A variable missing: the import fails in our configuration code, and Lambda logs the stack.
    const { stack } = await runAsDeployed(
      'publish-pending',
      `try { await import(${JSON.stringify(file)}); }` +
        ' catch (error) { console.log(JSON.stringify({ stack: error.stack })); }',
      withoutTable,
    );

    // Parsing every bundle's source map at each cold start costs tens of milliseconds.
    expect(nodeOptions['publish-pending'] ?? '').not.toContain('--enable-source-maps');
    expect(stack).toContain('RESERVATIONS_TABLE_NAME');
    expect(stack).toMatch(/\(functions\/publish-pending\/config\.ts:\d+:\d+\)/);
    expect(stack).not.toMatch(/index\.mjs:\d+:\d+/);
  });

  it.each(Object.keys(COLD_START_ENVIRONMENT))(
    '%s imports cleanly under Node as ESM and exports the handler',
    async (name) => {
      const file = join(bundles[name] as string, 'index.mjs');
      const { stdout } = await run(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const m = await import(${JSON.stringify(file)}); console.log(typeof m.${HANDLER_EXPORT});`,
        ],
        {
          env: {
            PATH: process.env.PATH ?? '',
            ...(nodeOptions[name] ? { NODE_OPTIONS: nodeOptions[name] } : {}),
            AWS_REGION: 'eu-north-1',
            SERVICE_NAME: name,
            ...COLD_START_ENVIRONMENT[name],
          },
        },
      );
      expect(stdout.trim()).toBe('function');
    },
  );
});
