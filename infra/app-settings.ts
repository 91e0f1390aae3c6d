import * as v from 'valibot';
import {
  HttpUrlSchema,
  NumberListSchema,
  PositiveIntegerSchema,
} from '#shared/config/parse-environment';
import { ConfigurationError } from '#shared/errors';
import { CHECKSUM_FORMULAS } from '#shared/front-payment/callback-checksum';
import { reservationsTableDesign } from '#shared/reservations/table-design';

/**
 * Settings of the deployable app. Each one comes from CDK context (`-c stage=prod`) or, when the
 * context does not set it, from the environment variable `RESERVATIONS_<NAME>` (e.g.
 * `RESERVATIONS_STAGE=prod`). Everything is optional; the construct's defaults apply.
 */
export const APP_SETTING_NAMES = {
  stackName: 'RESERVATIONS_STACK_NAME',
  stage: 'RESERVATIONS_STAGE',
  throwAway: 'RESERVATIONS_THROW_AWAY',
  frontPaymentBaseUrl: 'RESERVATIONS_FRONT_PAYMENT_BASE_URL',
  eventBusArn: 'RESERVATIONS_EVENT_BUS_ARN',
  eventSource: 'RESERVATIONS_EVENT_SOURCE',
  tokenSecretArn: 'RESERVATIONS_TOKEN_SECRET_ARN',
  callbackSecretArn: 'RESERVATIONS_CALLBACK_SECRET_ARN',
  jwtIssuer: 'RESERVATIONS_JWT_ISSUER',
  jwtAudience: 'RESERVATIONS_JWT_AUDIENCE',
  alarmEmail: 'RESERVATIONS_ALARM_EMAIL',
  callbackChecksumFormula: 'RESERVATIONS_CALLBACK_CHECKSUM_FORMULA',
  callbackMaxAgeSeconds: 'RESERVATIONS_CALLBACK_MAX_AGE_SECONDS',
  allowedTaxRates: 'RESERVATIONS_ALLOWED_TAX_RATES',
  memorySize: 'RESERVATIONS_MEMORY_SIZE',
  lookupIndexes: 'RESERVATIONS_LOOKUP_INDEXES',
} as const;

export type AppSettingName = keyof typeof APP_SETTING_NAMES;

/** Whole seconds; `0` is valid (for the callback's maximum age it turns the check off). */
const WholeSecondsSchema = v.pipe(
  v.string(),
  v.regex(/^\d+$/, 'must be a whole number of seconds'),
  v.transform(Number),
);
const TrueOrFalseSchema = v.pipe(
  v.picklist(['true', 'false'], 'must be true or false'),
  v.transform((flag) => flag === 'true'),
);
const ArnSchema = v.pipe(v.string(), v.regex(/^arn:aws[a-z-]*:/, 'must be an ARN'));
const CommaListSchema = v.pipe(
  v.string(),
  v.transform((text) =>
    text
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part.length > 0),
  ),
  v.minLength(1, 'must name at least one value'),
);

export const AppSettingsSchema = v.pipe(
  v.object({
    stackName: v.optional(
      v.pipe(v.string(), v.regex(/^[A-Za-z][A-Za-z0-9-]*$/, 'must be a stack name')),
    ),
    stage: v.optional(
      v.pipe(v.string(), v.regex(/^[a-z0-9-]+$/, 'must be lowercase letters, digits, -')),
    ),
    throwAway: v.optional(TrueOrFalseSchema),
    frontPaymentBaseUrl: v.optional(HttpUrlSchema),
    eventBusArn: v.optional(ArnSchema),
    eventSource: v.optional(v.pipe(v.string(), v.nonEmpty())),
    tokenSecretArn: v.optional(ArnSchema),
    callbackSecretArn: v.optional(ArnSchema),
    jwtIssuer: v.optional(HttpUrlSchema),
    jwtAudience: v.optional(CommaListSchema),
    alarmEmail: v.optional(v.pipe(v.string(), v.email())),
    callbackChecksumFormula: v.optional(v.picklist(CHECKSUM_FORMULAS)),
    callbackMaxAgeSeconds: v.optional(WholeSecondsSchema),
    allowedTaxRates: v.optional(NumberListSchema),
    memorySize: v.optional(PositiveIntegerSchema),
    // Only while upgrading a stack from before the lookups (docs/deploy.md): one index at a time.
    lookupIndexes: v.optional(
      v.pipe(
        CommaListSchema,
        v.array(
          v.picklist(
            [
              reservationsTableDesign.indexes.byReferenceNo.name,
              reservationsTableDesign.indexes.recentReservations.name,
            ],
            'must name by-reference-no and/or recent-reservations',
          ),
        ),
      ),
    ),
  }),
  v.check(
    (settings) => (settings.jwtIssuer === undefined) === (settings.jwtAudience === undefined),
    'jwtIssuer and jwtAudience go together',
  ),
);

export type AppSettings = v.InferOutput<typeof AppSettingsSchema>;

/** Where settings are read from: CDK context first, then the environment. */
export interface SettingSources {
  readonly context: (name: string) => unknown;
  readonly environment: Record<string, string | undefined>;
}

/** Reads and validates every setting; a bad value fails the synth and names the setting. */
export function readAppSettings(sources: SettingSources): AppSettings {
  const raw: Record<string, string> = {};
  for (const [name, variable] of Object.entries(APP_SETTING_NAMES)) {
    const fromContext = sources.context(name);
    const value = fromContext ?? sources.environment[variable];
    if (value !== undefined && value !== '') raw[name] = String(value);
  }
  const result = v.safeParse(AppSettingsSchema, raw);
  if (result.success) return result.output;
  const problems = result.issues.map((issue) => {
    // A list's issue has the item's path (`lookupIndexes.0`): name the setting.
    const name = v.getDotPath(issue)?.split('.')[0];
    const where = name ? `${name} (context) / ${APP_SETTING_NAMES[name as AppSettingName]}` : '';
    return `${where}: ${issue.message}`;
  });
  throw new ConfigurationError(`Invalid app settings: ${problems.join('; ')}`);
}
