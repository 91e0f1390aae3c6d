import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  type BundlingOptions,
  LogLevel,
  NodejsFunction,
  OutputFormat,
} from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/** The Lambda runtime every function uses; the bundle targets the same Node version. */
export const HOUSE_RUNTIME = lambda.Runtime.NODEJS_22_X;
const BUNDLE_TARGET = 'node22';
/** The repository's root: this file sits in its `infra/` folder. */
const REPOSITORY_ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Replaces the SDK's default credential chain in every bundle (see the file's comment). */
const LAMBDA_CREDENTIALS = join(REPOSITORY_ROOT, 'shared', 'aws', 'lambda-credentials.ts');
/** Name of the function every handler entry file exports. */
export const HANDLER_EXPORT = 'handler';

/** How every function's bundle is built; `npm run bench` builds its floors with it too. */
export const HOUSE_BUNDLING = {
  format: OutputFormat.ESM,
  target: BUNDLE_TARGET,
  minify: true,
  sourceMap: true,
  // The map keeps line mappings without a copy of every source file: a smaller asset.
  sourcesContent: false,
  // ESM builds of the AWS SDK v3 need the `module` entry points; with the default (`main`
  // first) esbuild picks CommonJS files that `require('node:https')` and the ESM bundle
  // crashes at import. It also makes the bundle smaller, so no createRequire banner.
  mainFields: ['module', 'main'],
  // The AWS SDK is bundled, not taken from the runtime: the versions we test are the versions
  // that run, and tree-shaken v3 clients load faster at cold start than the runtime's full
  // copy.
  externalModules: [],
  // Lambda gives credentials in the environment: the rest of the SDK's default chain
  // (nested STS and SSO clients, ini files, metadata endpoints) stays out of the bundle.
  esbuildArgs: { '--alias:@aws-sdk/credential-provider-node': LAMBDA_CREDENTIALS },
  // esbuild's size summary of each bundle adds nothing to a synth; warnings still show.
  logLevel: LogLevel.WARNING,
} as const satisfies BundlingOptions;

export interface HouseFunctionProps {
  /** Absolute path of the handler entry file (it exports `handler`). */
  readonly entry: string;
  /** What the function does, shown in the Lambda console. */
  readonly description: string;
  /** `SERVICE_NAME`: the `service` key of every log line. */
  readonly serviceName: string;
  /** Maximum run time of one invocation. */
  readonly timeout: Duration;
  /** Memory in MB; CPU is allocated in proportion. */
  readonly memorySize: number;
  /** How long the function's log group keeps its logs. */
  readonly logRetention: logs.RetentionDays;
  /** What happens to the log group when the stack deletes or replaces it. */
  readonly removalPolicy: RemovalPolicy;
  /** Whether the log group refuses deletion until the protection is turned off. */
  readonly logDeletionProtection: boolean;
  /**
   * `LOG_LEVEL`.
   * @default 'INFO'
   */
  readonly logLevel?: string;
}

/** What a function may do with a table: actions on the table, `Query` on named indexes. */
export interface TableAccess {
  /** Item actions on the table itself, e.g. `dynamodb:GetItem`. */
  readonly tableActions: readonly string[];
  /**
   * Indexes the function queries; each gets `dynamodb:Query` on its own ARN only.
   * @default - no index
   */
  readonly queryIndexes?: readonly string[];
}

// What the bind methods use of each resource. Narrow on purpose: CDK's concrete classes do not
// satisfy their own interfaces under `exactOptionalPropertyTypes`.
type TableRef = Pick<ITable, 'tableName' | 'tableArn'>;
type SecretRef = Pick<ISecret, 'secretArn' | 'grantRead'>;
type EventBusRef = Pick<IEventBus, 'eventBusName' | 'grantPutEventsTo'>;

/**
 * The one way this product builds a Lambda function: Node 22 on ARM64, ESM bundle with the AWS SDK
 * inside and credentials from the environment, source maps read only for logged errors, no X-Ray, its own log group with retention and its own role. The `bind…`
 * methods set an environment variable and the matching least-privilege grant together, so one is
 * never added without the other.
 */
export class HouseFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: logs.LogGroup;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: HouseFunctionProps) {
    super(scope, id);

    this.logGroup = new logs.LogGroup(this, 'log-group', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
      deletionProtectionEnabled: props.logDeletionProtection,
    });

    // Our own role instead of the default one: the managed AWSLambdaBasicExecutionRole would let
    // the function create log groups and write to any of them; this role writes to its own only.
    this.role = new iam.Role(this, 'role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs ${props.serviceName}`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'function', {
      entry: props.entry,
      handler: HANDLER_EXPORT,
      description: props.description,
      runtime: HOUSE_RUNTIME,
      // Graviton: about 20 % cheaper per GB-second than x86 and as fast for this I/O-bound code.
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      // Off: no code here sends trace segments (an Active function would record only Lambda's
      // own init and invoke spans, at X-Ray prices and with a wildcard IAM grant), and the
      // Powertools Tracer would add to every cold start. docs/deploy.md says how to turn it on.
      tracing: lambda.Tracing.DISABLED,
      // No `--enable-source-maps` in NODE_OPTIONS: Node would read and parse the source map at
      // every cold start. Logged stacks are mapped to the TypeScript sources when they are read
      // (`shared/logging/readable-stack.ts`).
      environment: {
        SERVICE_NAME: props.serviceName,
        LOG_LEVEL: props.logLevel ?? 'INFO',
      },
      bundling: HOUSE_BUNDLING,
    });

    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 on purpose: the bundle targets node22 and the code is tested on it; Node 22 is ' +
        'within its Lambda support window. Runtime and bundle target move together, after the ' +
        'suite passes on the newer Node.',
    });
  }

  /** Adds a plain configuration value (no permission comes with it). */
  setEnvironment(name: string, value: string): this {
    this.function.addEnvironment(name, value);
    return this;
  }

  /**
   * Sets `variable` to the table's name and allows exactly `access`. Written as statements rather
   * than `table.grant()`: on a table with indexes `grant()` adds `<table>/index/*`, and each
   * function needs one named index at most.
   */
  bindTable(variable: string, table: TableRef, access: TableAccess): this {
    this.function.addEnvironment(variable, table.tableName);
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [...access.tableActions],
        resources: [table.tableArn],
      }),
    );
    const indexes = access.queryIndexes ?? [];
    if (indexes.length > 0) {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['dynamodb:Query'],
          resources: indexes.map((index) => `${table.tableArn}/index/${index}`),
        }),
      );
    }
    return this;
  }

  /** Sets `variable` to the secret's ARN and lets this function read that secret only. */
  bindSecret(variable: string, secret: SecretRef): this {
    this.function.addEnvironment(variable, secret.secretArn);
    secret.grantRead(this.role);
    return this;
  }

  /**
   * Everything a function that calls Front Payment needs: the token secret (readable by this
   * function only), the base URL, and the timeout of one call, sized by the caller to how many
   * calls one invocation makes.
   */
  bindFrontPayment(token: SecretRef, baseUrl: string, callTimeout: Duration): this {
    return this.bindSecret('FRONT_PAYMENT_TOKEN_ARN', token)
      .setEnvironment('FRONT_PAYMENT_BASE_URL', baseUrl)
      .setEnvironment('FRONT_PAYMENT_TIMEOUT_MS', String(callTimeout.toMilliseconds()));
  }

  /** Where a function that publishes status events puts them, with `events:PutEvents` there. */
  bindStatusEvents(bus: EventBusRef, source: string): this {
    return this.bindEventBus('EVENT_BUS_NAME', bus).setEnvironment('EVENT_SOURCE', source);
  }

  /** Sets `variable` to the bus name and allows `events:PutEvents` on that bus only. */
  bindEventBus(variable: string, bus: EventBusRef): this {
    this.function.addEnvironment(variable, bus.eventBusName);
    bus.grantPutEventsTo(this.role);
    return this;
  }
}
