import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IConstruct } from 'constructs';
import { FrontPaymentReservations } from '../../infra/front-payment-reservations.ts';
import { HOUSE_BUNDLING, HOUSE_RUNTIME, HouseFunction } from '../../infra/house-function.ts';
import { CDK_JSON_CONTEXT } from '../infra/support/cdk-json.ts';

/** One function's bundle as CDK built it, with the environment its template gives it. */
export interface DeployedBundle {
  readonly name: string;
  /** The bundle's entry module (`index.mjs`). */
  readonly file: string;
  readonly bytes: number;
  /** The template's environment variables; values CloudFormation resolves at deploy are stand-ins. */
  readonly environment: Record<string, string>;
}

/** A function as deployed, with the floors it is measured against. */
export interface MeasuredFunction {
  readonly name: FunctionName;
  readonly bundle: DeployedBundle;
  /**
   * Its floor (`floors/<name>.ts`): a bare handler with the same SDK clients, able to send the
   * same commands, built by the same house function.
   */
  readonly floor: DeployedBundle;
  /**
   * The same floor built as a naive function would be: the house bundling without its one
   * cold-start trim (`esbuildArgs`, which replaces the SDK's default credential chain).
   */
  readonly naiveFloor: DeployedBundle;
}

export interface DeployedBundles {
  readonly functions: readonly MeasuredFunction[];
  /** A handler with no SDK client, built by the same house function: Node's own share. */
  readonly noClients: DeployedBundle;
}

/** The product's functions, as the construct exposes each. */
const FUNCTIONS = {
  'create-session': (reservations: FrontPaymentReservations) => reservations.createSessionFunction,
  callback: (reservations: FrontPaymentReservations) => reservations.callbackFunction,
  'publish-pending': (reservations: FrontPaymentReservations) =>
    reservations.publishPendingFunction,
  reconcile: (reservations: FrontPaymentReservations) => reservations.reconcileFunction,
  'reservation-commands': (reservations: FrontPaymentReservations) =>
    reservations.reservationCommandsFunction,
} as const;

export type FunctionName = keyof typeof FUNCTIONS;
export const FUNCTION_NAMES = Object.keys(FUNCTIONS) as FunctionName[];

/** Where each function's floor is: `floors/<function>.ts`. */
export const floorEntryOf = (name: string) =>
  fileURLToPath(new URL(`./floors/${name}.ts`, import.meta.url));

/**
 * Synthesises the product's construct, with bundling on, beside each function's floors, and
 * returns where CDK put each bundle. Nothing is copied from the construct: the bundles are the
 * assets `cdk deploy` would upload, and `NODE_OPTIONS` is what the template sets.
 */
export function synthesiseDeployedBundles(): DeployedBundles {
  const outdir = mkdtempSync(join(tmpdir(), 'fp-bench-cdk-'));
  const app = new App({ outdir, context: { ...CDK_JSON_CONTEXT } });
  const stack = new Stack(app, 'bench-stack');
  const reservations = new FrontPaymentReservations(stack, 'reservations');
  /** A bench function built exactly as the product's are. */
  const houseFunction = (id: string, entry: string) =>
    new HouseFunction(stack, id, {
      entry,
      description: `bench: ${id}`,
      serviceName: id,
      timeout: Duration.seconds(10),
      memorySize: 1024,
      logRetention: RetentionDays.ONE_DAY,
      removalPolicy: RemovalPolicy.DESTROY,
      logDeletionProtection: false,
    }).function;
  const built = FUNCTION_NAMES.map((name) => ({
    name,
    fn: FUNCTIONS[name](reservations),
    floor: houseFunction(`floor-${name}`, floorEntryOf(name)),
    naiveFloor: new NodejsFunction(stack, `naive-floor-${name}`, {
      entry: floorEntryOf(name),
      runtime: HOUSE_RUNTIME,
      bundling: { ...HOUSE_BUNDLING, esbuildArgs: {} },
    }),
  }));
  const noClientsFunction = houseFunction('no-clients', floorEntryOf('no-clients'));
  const template = app.synth().getStackByName(stack.stackName).template;

  const bundleOf = (name: string, fn: IConstruct): DeployedBundle => {
    const resource = template.Resources[stack.getLogicalId(fn.node.defaultChild as never)];
    const key: string = resource.Properties.Code.S3Key;
    const file = join(outdir, `asset.${key.replace(/\.zip$/, '')}`, 'index.mjs');
    const variables: Record<string, unknown> = resource.Properties.Environment?.Variables ?? {};
    return {
      name,
      file,
      bytes: statSync(file).size,
      environment: Object.fromEntries(
        Object.entries(variables).map(([variable, value]) => [
          variable,
          typeof value === 'string' ? value : standInFor(variable),
        ]),
      ),
    };
  };
  return {
    functions: built.map(({ name, fn, floor, naiveFloor }) => ({
      name,
      bundle: bundleOf(name, fn),
      floor: bundleOf(`floor of ${name}`, floor),
      naiveFloor: bundleOf(`naive floor of ${name}`, naiveFloor),
    })),
    noClients: bundleOf('no clients', noClientsFunction),
  };
}

/** A well-formed value for a variable whose real value CloudFormation fills in at deploy time. */
function standInFor(variable: string): string {
  if (variable.endsWith('_ARN')) {
    return 'arn:aws:secretsmanager:eu-north-1:111111111111:secret:bench-AbCdEf';
  }
  if (variable.endsWith('_URL')) return 'https://abc123.execute-api.eu-north-1.amazonaws.com';
  return `bench-${variable.toLowerCase()}`;
}
