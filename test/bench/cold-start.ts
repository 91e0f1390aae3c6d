import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type DeployedBundle, synthesiseDeployedBundles } from './deployed-bundles.ts';
import { median, quantile } from './measure.ts';

const run = promisify(execFile);

/** What Lambda itself puts in every function's environment (credentials are stand-ins). */
const LAMBDA_ENVIRONMENT = {
  AWS_REGION: 'eu-north-1',
  AWS_DEFAULT_REGION: 'eu-north-1',
  AWS_ACCESS_KEY_ID: 'ASIABENCHBENCHBENCH0',
  AWS_SECRET_ACCESS_KEY: 'bench-secret-access-key',
  AWS_SESSION_TOKEN: 'bench-session-token',
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
  // Node 20 here: the SDK's notice that Node 20 support ends would be work Lambda never does.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

interface Sample {
  /** Wall-clock milliseconds of the import. */
  readonly ms: number;
  /** CPU milliseconds (user + system) the process spent on it: less moved by other processes. */
  readonly cpu: number;
  readonly rss: number;
}

/** A fresh Node process imports the bundle, as Lambda's init does; `NODE_OPTIONS` as given. */
async function importOnce(bundle: DeployedBundle, nodeOptions: string): Promise<Sample> {
  const script =
    'const t = performance.now(); const c = process.cpuUsage(); await import(process.argv[1]);' +
    'const { user, system } = process.cpuUsage(c);' +
    'console.log(JSON.stringify({ ms: performance.now() - t, cpu: (user + system) / 1000,' +
    ' rss: process.memoryUsage().rss }));';
  const { stdout } = await run(
    process.execPath,
    ['--input-type=module', '-e', script, bundle.file],
    {
      env: {
        PATH: process.env.PATH ?? '',
        ...LAMBDA_ENVIRONMENT,
        ...bundle.environment,
        NODE_OPTIONS: nodeOptions,
      },
    },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
}

/**
 * Cold import of every function as deployed, against its floor (a bare handler with the same
 * clients and commands, imported without `NODE_OPTIONS`), its naive floor and a handler with no
 * client. Rounds are interleaved: each round imports every bundle once, in an order that rotates
 * per round, so load from other processes on the machine falls on all of them alike; the figures
 * are medians over rounds.
 */
export async function benchColdStarts(rounds: number): Promise<void> {
  const synthStart = performance.now();
  const { functions, noClients } = synthesiseDeployedBundles();
  console.log(
    `Bundles built by CDK (synth with bundling) in ${((performance.now() - synthStart) / 1000).toFixed(1)} s`,
  );

  interface Variant {
    readonly key: string;
    readonly bundle: DeployedBundle;
    readonly nodeOptions: string;
  }
  const deployedOptions = (bundle: DeployedBundle) => bundle.environment.NODE_OPTIONS ?? '';
  // Measured apart only when the template sets source maps on (they cost tens of milliseconds).
  const withoutSourceMaps = (bundle: DeployedBundle) =>
    deployedOptions(bundle)
      .split(/\s+/)
      .filter((option) => option && option !== '--enable-source-maps')
      .join(' ');
  const mapsDeployed = (bundle: DeployedBundle) =>
    withoutSourceMaps(bundle) !== deployedOptions(bundle).trim();
  const variants: Variant[] = [
    { key: 'no-clients', bundle: noClients, nodeOptions: '' },
    ...functions.flatMap(({ name, bundle, floor, naiveFloor }) => [
      { key: `${name}:deployed`, bundle, nodeOptions: deployedOptions(bundle) },
      ...(mapsDeployed(bundle)
        ? [{ key: `${name}:no-maps`, bundle, nodeOptions: withoutSourceMaps(bundle) }]
        : []),
      { key: `${name}:floor`, bundle: floor, nodeOptions: '' },
      { key: `${name}:naive`, bundle: naiveFloor, nodeOptions: '' },
    ]),
  ];
  const samples = new Map<string, Sample[]>(variants.map((variant) => [variant.key, []]));
  for (let round = 0; round < rounds; round++) {
    for (let index = 0; index < variants.length; index++) {
      const variant = variants[(index + round) % variants.length] as Variant;
      samples.get(variant.key)?.push(await importOnce(variant.bundle, variant.nodeOptions));
    }
  }
  const medianOf = (key: string, pick: (sample: Sample) => number) =>
    median((samples.get(key) ?? []).map(pick));
  const ms = (key: string) => medianOf(key, (sample) => sample.ms);
  const cpu = (key: string) => medianOf(key, (sample) => sample.cpu);
  const rssMb = (key: string) => medianOf(key, (sample) => sample.rss) / 1024 / 1024;
  // Each round's import CPU over the floor's in the same round: the median, and the middle half
  // of the rounds in brackets, which shows how far the machine's noise moves the figure.
  const cpuRatio = (key: string, floorKey: string) => {
    const floorSamples = samples.get(floorKey) ?? [];
    const ratios = (samples.get(key) ?? []).map(
      (sample, round) => sample.cpu / (floorSamples[round]?.cpu ?? Number.NaN),
    );
    const share = (value: number) => value.toFixed(2);
    return `${share(median(ratios))}x [${share(quantile(ratios, 0.25))}-${share(quantile(ratios, 0.75))}]`;
  };

  console.log(
    `\nCold import, medians of ${rounds} interleaved rounds. Each function is compared with its` +
      ' floor (the same clients, able to send the same commands, nothing else) imported without' +
      " NODE_OPTIONS. CPU is the import's user + system time (the ratio is the median of the" +
      " rounds' ratios, the middle half of them in brackets); wall time also counts waiting for" +
      ' the shared cores.\n',
  );
  for (const { name, floor, naiveFloor } of functions) {
    for (const [label, bundle, key] of [
      ['floor', floor, `${name}:floor`],
      ['naive floor', naiveFloor, `${name}:naive`],
    ] as const) {
      console.log(
        `${label} of ${name}: ${kib(bundle.bytes)} KiB, import CPU ${cpu(key).toFixed(1)} ms,` +
          ` wall ${ms(key).toFixed(1)} ms, RSS ${rssMb(key).toFixed(1)} MiB`,
      );
    }
  }
  console.log(
    '\n| function | bundle vs floor | import, as deployed: CPU (wall) | import without source maps | RSS | as deployed vs naive floor: CPU |',
  );
  console.log('|---|---|---|---|---|---|');
  for (const { name, bundle, floor } of functions) {
    const floorKey = `${name}:floor`;
    const versusFloor = (key: string) =>
      `${cpuRatio(key, floorKey)} (${signed(cpu(key) - cpu(floorKey))} ms) ` +
      `(wall ${ratio(ms(key), ms(floorKey))})`;
    const deployed = `${name}:deployed`;
    console.log(
      `| ${name} | ${ratio(bundle.bytes, floor.bytes)} (${kib(bundle.bytes)} KiB) ` +
        `| ${versusFloor(deployed)} ` +
        `| ${mapsDeployed(bundle) ? versusFloor(`${name}:no-maps`) : 'the same: none deployed'} ` +
        `| ${ratio(rssMb(deployed), rssMb(floorKey))} ` +
        `| ${ratio(cpu(deployed), cpu(`${name}:naive`))} |`,
    );
  }
  printCostPerKib(
    functions.flatMap(({ name, bundle, floor }): CostRow[] => [
      [`floor of ${name}`, floor, `${name}:floor`],
      [name, bundle, `${name}:deployed`],
    ]),
    { bundle: noClients, cpu: cpu('no-clients') },
    cpu,
  );
  const options = [...new Set(functions.map(({ bundle }) => deployedOptions(bundle)))];
  console.log(
    `\nNODE_OPTIONS as deployed: ${options.map((o) => `\`${o || '(none)'}\``).join(', ')}`,
  );
}

/**
 * What a KiB of each bundle costs to import: CPU and bytes above a handler with no SDK client.
 * V8 parses the whole module at import, so this stays about the same from bundle to bundle when
 * nothing else runs; a function well above its floor here would be doing work at import.
 */
/** A bundle's name in the table, the bundle, and the key of its samples. */
type CostRow = readonly [string, DeployedBundle, string];

function printCostPerKib(
  rows: readonly CostRow[],
  baseline: { readonly bundle: DeployedBundle; readonly cpu: number },
  cpu: (key: string) => number,
): void {
  console.log(
    `\nImport CPU per KiB of bundle, above a handler with no SDK client (${kib(baseline.bundle.bytes)} KiB,` +
      ` ${baseline.cpu.toFixed(1)} ms):\n`,
  );
  console.log('| bundle | KiB above | CPU above | ms per KiB |');
  console.log('|---|---|---|---|');
  for (const [name, bundle, key] of rows) {
    const bytes = (bundle.bytes - baseline.bundle.bytes) / 1024;
    const above = cpu(key) - baseline.cpu;
    console.log(
      `| ${name} | ${bytes.toFixed(0)} | ${above.toFixed(1)} ms | ${(above / bytes).toFixed(3)} |`,
    );
  }
}

const kib = (bytes: number) => (bytes / 1024).toFixed(0);
const ratio = (ours: number, floor: number) => `${(ours / floor).toFixed(2)}x`;
const signed = (value: number) => `${value >= 0 ? '+' : ''}${value.toFixed(0)}`;
