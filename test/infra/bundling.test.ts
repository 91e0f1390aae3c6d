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

// The one test with esbuild bundling on (about a second per function).
describe('bundles (esbuild, bundling on)', () => {
  let outdir: string;
  let bundlingOutput: string;
  const bundles: Record<string, string> = {};

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
    ] as const) {
      const logicalId = stack.getLogicalId(fn.node.defaultChild as never);
      const key: string = template.Resources[logicalId].Properties.Code.S3Key;
      bundles[name] = join(outdir, `asset.${key.replace(/\.zip$/, '')}`);
    }
  }, 120_000);

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

  it.each(Object.keys(COLD_START_ENVIRONMENT))(
    '%s imports cleanly under Node as ESM and exports the handler',
    async (name) => {
      const file = join(bundles[name] as string, 'index.mjs');
      const { stdout } = await run(
        process.execPath,
        [
          '--enable-source-maps',
          '--input-type=module',
          '-e',
          `const m = await import(${JSON.stringify(file)}); console.log(typeof m.${HANDLER_EXPORT});`,
        ],
        {
          env: {
            PATH: process.env.PATH ?? '',
            AWS_REGION: 'eu-north-1',
            POWERTOOLS_SERVICE_NAME: name,
            ...COLD_START_ENVIRONMENT[name],
          },
        },
      );
      expect(stdout.trim()).toBe('function');
    },
  );
});
