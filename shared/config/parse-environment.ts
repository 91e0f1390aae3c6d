import * as v from 'valibot';
import { ConfigurationError } from '../errors.ts';

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
