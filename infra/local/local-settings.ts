import * as v from 'valibot';
import {
  HttpUrlSchema,
  PositiveIntegerSchema,
  parseEnvironment,
  WholeNumberSchema,
} from '#shared/config/parse-environment';
import { ConfigurationError } from '#shared/errors';
import { CHECKSUM_FORMULAS } from '#shared/front-payment/callback-checksum';
import { parseEventPattern } from './event-forwarding/event-pattern.ts';
import type { SandboxQuirks } from './front-payment-sandbox/index.ts';
import type { LocalStackOptions } from './local-stack.ts';

/** Where `--persist` keeps DynamoDB Local's data (gitignored). */
export const DEFAULT_DATA_DIR = '.local-data/dynamodb';

/** `SANDBOX_QUIRKS` names and the sandbox option each one turns on. */
export const SANDBOX_QUIRK_NAMES = {
  'per-change-amounts': { perChangeAmounts: true },
  'misspell-reserved': { misspellReserved: true },
  'duplicate-callbacks': { duplicateCallbacks: true },
  'reverse-callback-order': { reverseCallbackOrder: true },
  'capitalized-status': { statusCase: 'capitalized' },
  'list-validation-errors': { validationErrorStyle: 'list' },
  'drop-callbacks': { dropCallbacks: true },
} as const satisfies Record<string, Partial<SandboxQuirks>>;

export type SandboxQuirkName = keyof typeof SANDBOX_QUIRK_NAMES;

/** Handed to the functions as they are, when set (see the functions' own configuration). */
const FUNCTION_PASS_THROUGH = [
  'CALLBACK_MAX_AGE_SECONDS',
  'FRONT_PAYMENT_CALLBACK_SECRET_NEXT',
  'ALLOWED_TAX_RATES',
  'FRONT_PAYMENT_TIMEOUT_MS',
  'EVENT_SOURCE',
  // The reconciler's settings (docs/reconciler.md); the local stack sets short recheck and grace.
  'RECONCILE_CALL_BUDGET',
  'RECONCILE_RECHECK_SECONDS',
  'RECONCILE_GRACE_SECONDS',
  'CAPTURE_WINDOW_DAYS',
  'CAPTURE_DUE_LEAD_HOURS',
  'REFUND_WATCH_DAYS',
  'REFUND_WATCH_RECHECK_HOURS',
] as const;

const PortSchema = v.pipe(WholeNumberSchema, v.maxValue(65_535, 'must be a port number (0-65535)'));

const LocalEnvironmentSchema = v.object({
  PORT: v.optional(PortSchema),
  DYNAMODB_PORT: v.optional(PortSchema),
  EVENTBRIDGE_PORT: v.optional(PortSchema),
  SANDBOX_PORT: v.optional(PortSchema),
  LOCAL_DATA_DIR: v.optional(v.pipe(v.string(), v.nonEmpty())),
  FRONT_PAYMENT_BASE_URL: v.optional(HttpUrlSchema),
  FRONT_PAYMENT_TOKEN: v.optional(v.pipe(v.string(), v.nonEmpty())),
  FRONT_PAYMENT_CALLBACK_SECRET: v.optional(v.pipe(v.string(), v.nonEmpty())),
  CALLBACK_BASE_URL: v.optional(HttpUrlSchema),
  CALLBACK_CHECKSUM_FORMULA: v.optional(
    v.picklist(CHECKSUM_FORMULAS, `must be one of ${CHECKSUM_FORMULAS.join(', ')}`),
  ),
  SANDBOX_QUIRKS: v.optional(v.string()),
  PUBLISH_PENDING_INTERVAL_SECONDS: v.optional(PositiveIntegerSchema),
  RECONCILE_INTERVAL_SECONDS: v.optional(WholeNumberSchema),
  LOG_LEVEL: v.optional(
    v.picklist(
      ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT', 'CRITICAL'],
      'must be TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL or SILENT',
    ),
  ),
  FRONT_PAYMENT_CALLBACK_SECRET_NEXT: v.optional(v.pipe(v.string(), v.nonEmpty())),
  FORWARD_EVENTS_TO: v.optional(v.string()),
  FORWARD_EVENTS_PATTERN: v.optional(v.pipe(v.string(), v.nonEmpty())),
});

/** `--forward-to=TARGET`, repeatable: the same as listing TARGET in FORWARD_EVENTS_TO. */
const FORWARD_FLAG = '--forward-to=';

export interface LocalSettings {
  readonly options: LocalStackOptions;
  /** The quirks as named in SANDBOX_QUIRKS, for the banner. */
  readonly quirkNames: readonly SandboxQuirkName[];
  /** Secrets left at their documented defaults (named, never shown). */
  readonly defaultedSecrets: readonly string[];
  readonly help: boolean;
}

/** Reads `npm start`'s flags (`--persist`, `--help`) and variables; a bad value names the variable. */
export function readLocalSettings(
  argv: readonly string[],
  environment: Record<string, string | undefined> = process.env,
): LocalSettings {
  const unknownFlags = argv.filter(
    (arg) => !['--persist', '--help', '-h'].includes(arg) && !arg.startsWith(FORWARD_FLAG),
  );
  if (unknownFlags.length > 0) {
    throw new ConfigurationError(
      `Unknown option ${unknownFlags.join(' ')}: npm start accepts --persist, --forward-to=TARGET and --help`,
    );
  }
  const env = parseEnvironment(LocalEnvironmentSchema, environment);
  const quirkNames = parseQuirks(env.SANDBOX_QUIRKS);
  const persist = argv.includes('--persist') || env.LOCAL_DATA_DIR !== undefined;
  const intervalSeconds = env.PUBLISH_PENDING_INTERVAL_SECONDS;
  const functionEnvironment = Object.fromEntries(
    FUNCTION_PASS_THROUGH.flatMap((name) => {
      const value = environment[name];
      return value === undefined || value === '' ? [] : [[name, value]];
    }),
  );
  const options: LocalStackOptions = {
    ...(env.PORT === undefined ? {} : { port: env.PORT }),
    ...(env.DYNAMODB_PORT === undefined ? {} : { dynamoDbPort: env.DYNAMODB_PORT }),
    ...(env.EVENTBRIDGE_PORT === undefined ? {} : { eventBridgePort: env.EVENTBRIDGE_PORT }),
    ...(env.SANDBOX_PORT === undefined ? {} : { sandboxPort: env.SANDBOX_PORT }),
    ...(persist ? { dataPath: env.LOCAL_DATA_DIR ?? DEFAULT_DATA_DIR } : {}),
    ...(env.FRONT_PAYMENT_BASE_URL ? { frontPaymentBaseUrl: env.FRONT_PAYMENT_BASE_URL } : {}),
    ...(env.FRONT_PAYMENT_TOKEN ? { frontPaymentToken: env.FRONT_PAYMENT_TOKEN } : {}),
    ...(env.FRONT_PAYMENT_CALLBACK_SECRET
      ? { callbackSecret: env.FRONT_PAYMENT_CALLBACK_SECRET }
      : {}),
    ...(env.CALLBACK_BASE_URL ? { callbackBaseUrl: env.CALLBACK_BASE_URL } : {}),
    ...(env.CALLBACK_CHECKSUM_FORMULA ? { checksumFormula: env.CALLBACK_CHECKSUM_FORMULA } : {}),
    ...(quirkNames.length > 0
      ? { sandboxQuirks: Object.assign({}, ...quirkNames.map((n) => SANDBOX_QUIRK_NAMES[n])) }
      : {}),
    ...(intervalSeconds === undefined ? {} : { publishPendingIntervalMs: intervalSeconds * 1000 }),
    ...(env.RECONCILE_INTERVAL_SECONDS === undefined
      ? {}
      : { reconcileIntervalMs: env.RECONCILE_INTERVAL_SECONDS * 1000 }),
    ...(env.LOG_LEVEL ? { logLevel: env.LOG_LEVEL } : {}),
    ...(Object.keys(functionEnvironment).length > 0 ? { functionEnvironment } : {}),
    ...forwardingOptions(argv, env.FORWARD_EVENTS_TO, env.FORWARD_EVENTS_PATTERN),
  };
  if (env.FRONT_PAYMENT_BASE_URL && !env.FRONT_PAYMENT_TOKEN) {
    throw new ConfigurationError(
      'Invalid configuration: FRONT_PAYMENT_BASE_URL needs FRONT_PAYMENT_TOKEN (the bearer token Front Payment gave you)',
    );
  }
  return {
    options,
    quirkNames,
    defaultedSecrets: [
      ...(env.FRONT_PAYMENT_TOKEN ? [] : ['FRONT_PAYMENT_TOKEN']),
      ...(env.FRONT_PAYMENT_CALLBACK_SECRET ? [] : ['FRONT_PAYMENT_CALLBACK_SECRET']),
    ],
    help: argv.includes('--help') || argv.includes('-h'),
  };
}

function parseQuirks(text: string | undefined): SandboxQuirkName[] {
  if (!text) return [];
  const names = text
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => !Object.hasOwn(SANDBOX_QUIRK_NAMES, name));
  if (unknown.length > 0) {
    throw new ConfigurationError(
      `Invalid configuration: SANDBOX_QUIRKS: unknown ${unknown.join(', ')}; known: ${Object.keys(SANDBOX_QUIRK_NAMES).join(', ')}`,
    );
  }
  return names as SandboxQuirkName[];
}

function forwardingOptions(
  argv: readonly string[],
  targetsText: string | undefined,
  patternText: string | undefined,
): Pick<LocalStackOptions, 'forwardEventsTo' | 'forwardEventsPattern'> {
  const targets = [
    ...(targetsText ?? '').split(','),
    ...argv
      .filter((arg) => arg.startsWith(FORWARD_FLAG))
      .map((arg) => arg.slice(FORWARD_FLAG.length)),
  ]
    .map((target) => target.trim())
    .filter(Boolean);
  if (patternText === undefined) return targets.length > 0 ? { forwardEventsTo: targets } : {};
  let pattern: unknown;
  try {
    pattern = JSON.parse(patternText);
  } catch {
    throw new ConfigurationError('Invalid configuration: FORWARD_EVENTS_PATTERN must be JSON');
  }
  try {
    return {
      ...(targets.length > 0 ? { forwardEventsTo: targets } : {}),
      forwardEventsPattern: parseEventPattern(pattern, 'FORWARD_EVENTS_PATTERN'),
    };
  } catch (error) {
    throw new ConfigurationError(`Invalid configuration: ${(error as Error).message}`);
  }
}
