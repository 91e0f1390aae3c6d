import { bundleLikeLambda, writeBaselineEntry, writeSdkBaselineEntry } from './bundle.ts';
import { coldStart } from './measure.ts';
import { report } from './report.ts';

/** Values the handlers' configuration schemas need at import; nothing is called. */
const importEnvironment = {
  RESERVATIONS_TABLE_NAME: 'reservations',
  FRONT_PAYMENT_BASE_URL: 'http://127.0.0.1:9',
  FRONT_PAYMENT_TOKEN: 'bench-token',
  FRONT_PAYMENT_CALLBACK_SECRET: 'bench-secret',
  CALLBACK_BASE_URL: 'http://127.0.0.1:9',
  EVENT_BUS_NAME: 'bench-bus',
  AWS_REGION: 'eu-north-1',
};

/**
 * Bundle size, import time and memory of each function in a fresh Node process, against two
 * baselines bundled the same way: middy alone, and middy with the DynamoDB client every function
 * needs anyway.
 */
export async function benchColdStarts(times: number): Promise<void> {
  const baselines = [
    { name: 'middy + empty handler', entry: await writeBaselineEntry() },
    { name: 'middy + DynamoDB client', entry: await writeSdkBaselineEntry() },
  ];
  const measured = [];
  for (const { name, entry } of baselines) {
    const bundle = await bundleLikeLambda(entry);
    measured.push({
      name,
      bytes: bundle.bytes,
      ...(await coldStart(bundle.file, importEnvironment, times)),
    });
  }
  for (const name of ['create-session', 'callback', 'publish-pending', 'reservation-commands']) {
    const bundle = await bundleLikeLambda(`functions/${name}/handler.ts`);
    const start = await coldStart(bundle.file, importEnvironment, times);
    for (const baseline of measured) {
      const baselineIs = baseline.name;
      report({
        what: `${name}: bundle size`,
        ours: bundle.bytes / 1024,
        baseline: baseline.bytes / 1024,
        unit: 'KiB',
        baselineIs,
      });
      report({
        what: `${name}: cold import (median of ${times})`,
        ours: start.importMs,
        baseline: baseline.importMs,
        unit: 'ms',
        baselineIs,
      });
      report({
        what: `${name}: RSS after import`,
        ours: start.rssMb,
        baseline: baseline.rssMb,
        unit: 'MiB',
        baselineIs,
      });
    }
  }
}
