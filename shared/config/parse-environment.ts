import * as v from 'valibot';
import { ConfigurationError } from '../errors.ts';
import { DEFAULT_EVENT_SOURCE } from '../events/event-source.ts';

/**
 * Parses `process.env` (or a given map) with a valibot schema once, at cold start. A missing or
 * malformed variable fails loudly and names the variable, never its value.
 */
export function parseEnvironment<TSchema extends v.GenericSchema>(
  schema: TSchema,
  environment: Record<string, string | undefined> = process.env,
): v.InferOutput<TSchema> {
  const result = v.safeParse(schema, environment);
  if (result.success) return result.output;
  const problems = result.issues.map(
    (issue) => `${v.getDotPath(issue) ?? '(root)'}: ${issue.message}`,
  );
  throw new ConfigurationError(`Invalid configuration: ${problems.join('; ')}`);
}

/** A comma separated list of numbers, e.g. `0,12,15,25`. */
export const NumberListSchema = v.pipe(
  v.string(),
  v.transform((text) => text.split(',').map((part) => part.trim())),
  v.array(
    v.pipe(v.string(), v.regex(/^\d+(\.\d+)?$/, 'must be a comma separated list of numbers')),
  ),
  v.transform((parts) => parts.map(Number)),
);

export const BooleanFlagSchema = v.pipe(
  v.picklist(['true', 'false', '1', '0'], 'must be true or false'),
  v.transform((flag) => flag === 'true' || flag === '1'),
);

/** 0 or more, e.g. a port where 0 asks the OS for a free one. */
export const WholeNumberSchema = v.pipe(
  v.string(),
  v.regex(/^\d+$/, 'must be a whole number'),
  v.transform(Number),
);

/** 1 or more: a zero timeout or interval would make every call fail or spin. */
export const PositiveIntegerSchema = v.pipe(
  v.string(),
  v.regex(/^[1-9]\d*$/, 'must be a whole number of at least 1'),
  v.transform(Number),
);

export const HttpUrlSchema = v.pipe(
  v.string(),
  v.url('must be a URL'),
  v.regex(/^https?:\/\//, 'must be an http(s) URL'),
  v.transform((url) => url.replace(/\/+$/, '')),
);

export const NonEmptySchema = v.pipe(v.string(), v.nonEmpty());

/** Every function's table. */
export const tableEnvironment = { RESERVATIONS_TABLE_NAME: NonEmptySchema } as const;

/** Where status events go, for every function that publishes them. */
export const eventBusEnvironment = {
  EVENT_BUS_NAME: NonEmptySchema,
  EVENT_SOURCE: v.optional(NonEmptySchema, DEFAULT_EVENT_SOURCE),
} as const;

/**
 * Front Payment's API for every function that calls it (the token comes from
 * `secretSourceFromEnvironment('FRONT_PAYMENT_TOKEN')`); the timeout's default is the function's
 * own, sized to how many calls one invocation makes.
 */
export function frontPaymentEnvironment(defaultTimeoutMs: number) {
  return {
    FRONT_PAYMENT_BASE_URL: HttpUrlSchema,
    FRONT_PAYMENT_TIMEOUT_MS: v.optional(PositiveIntegerSchema, String(defaultTimeoutMs)),
  } as const;
}
