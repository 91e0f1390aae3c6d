import * as v from 'valibot';
import { InputValidationError } from '../errors.ts';
import { MAX_REFERENCE_NO_LENGTH } from '../reservations/reference-no.ts';
import { toFieldErrors } from '../validation-issues.ts';
import { type LookupCursor, MAX_CURSOR_LENGTH } from './lookup-cursor.ts';

/** Items per page when `limit` is not given, and the most one page may hold. */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** What `GET /reservations` asks for: one of four parameter families. */
export type LookupQuery =
  | { readonly kind: 'uuid'; readonly reservationUuid: string }
  | {
      readonly kind: 'list';
      /** The first page of a list, or the page a cursor points to (still to be decoded). */
      readonly start: LookupCursor['filter'] | { readonly kind: 'cursor'; readonly cursor: string };
      readonly limit: number;
    };

const text = (message: string) => v.string(message);

/** The query string's parameters; every one a single value (API Gateway joins repeats with ","). */
export const LookupParametersSchema = v.strictObject(
  {
    referenceNo: v.optional(
      v.pipe(
        text('must be text'),
        v.minLength(1, 'must not be empty'),
        v.maxLength(
          MAX_REFERENCE_NO_LENGTH,
          `must be at most ${MAX_REFERENCE_NO_LENGTH} characters`,
        ),
      ),
    ),
    reservationUuid: v.optional(
      v.pipe(
        text('must be text'),
        v.regex(/^RES[A-Za-z0-9]{1,61}$/, "must be Front Payment's reservation uuid (RES…)"),
      ),
    ),
    limit: v.optional(
      v.pipe(
        text('must be a whole number'),
        v.regex(/^\d{1,3}$/, `must be a whole number from 1 to ${MAX_PAGE_SIZE}`),
        v.transform(Number),
        v.minValue(1, `must be a whole number from 1 to ${MAX_PAGE_SIZE}`),
        v.maxValue(MAX_PAGE_SIZE, `must be a whole number from 1 to ${MAX_PAGE_SIZE}`),
      ),
    ),
    cursor: v.optional(
      v.pipe(
        text('must be text'),
        v.minLength(1, 'must not be empty'),
        v.maxLength(MAX_CURSOR_LENGTH, `must be at most ${MAX_CURSOR_LENGTH} characters`),
      ),
    ),
    createdAfter: v.optional(instant()),
    createdBefore: v.optional(instant()),
  },
  (issue) =>
    issue.expected === 'never'
      ? 'is not a known parameter (referenceNo, reservationUuid, limit, cursor, createdAfter, createdBefore)'
      : 'must be text',
);

export type LookupParameters = v.InferOutput<typeof LookupParametersSchema>;

const LAST_INSTANT = Date.parse('9999-01-01T00:00:00.000Z');

/** An ISO 8601 time with its offset (`2026-12-04T10:00:00Z`), as the text the index sorts. */
function instant() {
  return v.pipe(
    text('must be text'),
    v.isoTimestamp('must be an ISO 8601 time with a time zone, e.g. 2026-12-04T10:00:00Z'),
    v.transform((value) => new Date(value)),
    v.check(
      (date) => !Number.isNaN(date.getTime()),
      'must be an ISO 8601 time with a time zone, e.g. 2026-12-04T10:00:00Z',
    ),
    // Four-digit years only: a year past 9999 is written `+010000-…`, which sorts before `2026-…`.
    v.check(
      (date) => date.getTime() >= 0 && date.getTime() < LAST_INSTANT,
      'must be between 1970 and 9998',
    ),
    v.transform((date) => date.toISOString()),
  );
}

/**
 * Reads `GET /reservations`' query string: exactly one family of `reservationUuid`;
 * `referenceNo` (+ `limit`); `createdAfter`/`createdBefore` (+ `limit`); `cursor` (+ `limit`).
 */
export function parseLookupQuery(
  parameters: Readonly<Record<string, string | undefined>> | undefined,
): LookupQuery {
  const result = v.safeParse(LookupParametersSchema, parameters ?? {});
  if (!result.success) {
    throw new InputValidationError(
      'The query parameters are invalid',
      toFieldErrors(result.issues),
    );
  }
  const query = result.output;
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  if (query.reservationUuid !== undefined) {
    refuseWith('reservationUuid', query, []);
    return { kind: 'uuid', reservationUuid: query.reservationUuid };
  }
  if (query.cursor !== undefined) {
    refuseWith('cursor', query, ['limit']);
    return { kind: 'list', start: { kind: 'cursor', cursor: query.cursor }, limit };
  }
  if (query.referenceNo !== undefined) {
    refuseWith('referenceNo', query, ['limit']);
    return { kind: 'list', start: { kind: 'reference', referenceNo: query.referenceNo }, limit };
  }
  const { createdAfter = null, createdBefore = null } = query;
  if (createdAfter !== null && createdBefore !== null && createdAfter >= createdBefore) {
    throw new InputValidationError('The query parameters are invalid', [
      { path: 'createdBefore', message: 'must be later than createdAfter' },
    ]);
  }
  return { kind: 'list', start: { kind: 'recent', createdAfter, createdBefore }, limit };
}

/** One family at a time: `family` comes only with the parameters in `allowed`. */
function refuseWith(
  family: keyof LookupParameters,
  query: LookupParameters,
  allowed: readonly (keyof LookupParameters)[],
): void {
  const others = (Object.keys(query) as (keyof LookupParameters)[]).filter(
    (name) => name !== family && !allowed.includes(name) && query[name] !== undefined,
  );
  if (others.length === 0) return;
  throw new InputValidationError('The query parameters are invalid', [
    ...others.map((name) => ({
      path: name,
      message: `cannot be combined with ${family}${allowed.length > 0 ? ` (only ${allowed.join(', ')} can)` : ''}`,
    })),
  ]);
}
