import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
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

export interface DeployedBundles {
  readonly functions: readonly DeployedBundle[];
  /** Same-client floors by name (see `floors/`), built by the same house function. */
  readonly floors: Readonly<Record<FloorName, DeployedBundle>>;
  /**
   * The same floors built as a naive function would be: the house bundling without its one
   * cold-start trim (`esbuildArgs`, which replaces the SDK's default credential chain).
   */
  readonly naiveFloors: Readonly<Record<FloorName, DeployedBundle>>;
  /** A handler with no SDK client, built by the same house function: Node's own share. */
  readonly noClients: DeployedBundle;
}

export type FloorName = 'dynamodb-secrets' | 'dynamodb-eventbridge-secrets';

const floorsDirectory = fileURLToPath(new URL('./floors/', import.meta.url));

/**
 * Synthesises the product's construct, with bundling on, beside one house function per floor, and
 * returns where CDK put each bundle. Nothing is copied from the construct: the bundles are the
 * assets `cdk deploy` would upload, and `NODE_OPTIONS` is what the template sets.
 */
export function synthesiseDeployedBundles(): DeployedBundles {
  const outdir = mkdtempSync(join(tmpdir(), 'fp-bench-cdk-'));
  const app = new App({ outdir, context: { ...CDK_JSON_CONTEXT } });
  const stack = new Stack(app, 'bench-stack');
  const reservations = new FrontPaymentReservations(stack, 'reservations');
  const floorNames = ['dynamodb-secrets', 'dynamodb-eventbridge-secrets'] as const;
  const naiveFloorFunctions = Object.fromEntries(
    floorNames.map((name) => [
      name,
      new NodejsFunction(stack, `naive-floor-${name}`, {
        entry: `${floorsDirectory}${name}.ts`,
        runtime: HOUSE_RUNTIME,
        bundling: { ...HOUSE_BUNDLING, esbuildArgs: {} },
      }),
    ]),
  ) as unknown as Record<FloorName, IFunction>;
  /** A bench function built exactly as the product's are (`floors/<file>.ts`). */
  const houseFunction = (id: string, file: string, description: string) =>
    new HouseFunction(stack, id, {
      entry: `${floorsDirectory}${file}.ts`,
      description,
      serviceName: id,
      timeout: Duration.seconds(10),
      memorySize: 1024,
      logRetention: RetentionDays.ONE_DAY,
      removalPolicy: RemovalPolicy.DESTROY,
      logDeletionProtection: false,
    }).function;
  const floorFunctions = Object.fromEntries(
    floorNames.map((name) => [name, houseFunction(`floor-${name}`, name, `bench floor: ${name}`)]),
  ) as unknown as Record<FloorName, IFunction>;
  const noClientsFunction = houseFunction('no-clients', 'no-clients', 'bench: no SDK client');
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
    functions: [
      bundleOf('create-session', reservations.createSessionFunction),
      bundleOf('callback', reservations.callbackFunction),
      bundleOf('publish-pending', reservations.publishPendingFunction),
      bundleOf('reconcile', reservations.reconcileFunction),
      bundleOf('reservation-commands', reservations.reservationCommandsFunction),
    ],
    floors: {
      'dynamodb-secrets': bundleOf('floor', floorFunctions['dynamodb-secrets']),
      'dynamodb-eventbridge-secrets': bundleOf(
        'floor',
        floorFunctions['dynamodb-eventbridge-secrets'],
      ),
    },
    noClients: bundleOf('no clients', noClientsFunction),
    naiveFloors: {
      'dynamodb-secrets': bundleOf('naive floor', naiveFloorFunctions['dynamodb-secrets']),
      'dynamodb-eventbridge-secrets': bundleOf(
        'naive floor',
        naiveFloorFunctions['dynamodb-eventbridge-secrets'],
      ),
    },
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
