import * as v from 'valibot';
import { InputValidationError } from '../errors.ts';
import { createdShardOf } from '../reservations/created-index.ts';
import { MAX_REFERENCE_NO_LENGTH } from '../reservations/reference-no.ts';

/**
 * The opaque `cursor` of `GET /reservations` (docs/lookups.md): base64url of a small JSON that
 * says which list it continues and where each of its index partitions stopped. It grants nothing
 * (every caller may list every reservation), so it is checked, not signed: anything that does not
 * decode to a position this list could have handed out is a 400 naming `cursor`.
 */

/** Where one index partition stopped: before it started, after it ended, or after an item. */
export type StreamPosition = 'start' | 'end' | readonly [createdAt: string, reservationId: string];

/** The list a cursor continues: the recent list (with its time window) or one `referenceNo`. */
export type ListFilter =
  | {
      readonly kind: 'recent';
      readonly createdAfter: string | null;
      readonly createdBefore: string | null;
    }
  | { readonly kind: 'reference'; readonly referenceNo: string };

export interface LookupCursor {
  readonly filter: ListFilter;
  readonly positions: readonly StreamPosition[];
}

/** Long enough for eight positions and a 255-character reference, short enough for a URL. */
export const MAX_CURSOR_LENGTH = 2_048;

/** `toISOString()`'s shape, the only one the index's sort key holds. */
const STORED_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const RESERVATION_ID = /^[\w-]{1,64}$/;

const StoredTimeSchema = v.pipe(
  v.string(),
  v.regex(STORED_TIME),
  // A real instant, written as the index writes it (`2026-13-01…` passes the pattern only).
  v.check((value) => {
    const time = Date.parse(value);
    return !Number.isNaN(time) && new Date(time).toISOString() === value;
  }),
);

const PositionSchema = v.union([
  v.literal('start'),
  v.literal('end'),
  v.strictTuple([StoredTimeSchema, v.pipe(v.string(), v.regex(RESERVATION_ID))]),
]);

const CursorSchema = v.strictObject({
  v: v.literal(1),
  filter: v.variant('kind', [
    v.strictObject({
      kind: v.literal('recent'),
      createdAfter: v.nullable(StoredTimeSchema),
      createdBefore: v.nullable(StoredTimeSchema),
    }),
    v.strictObject({
      kind: v.literal('reference'),
      referenceNo: v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_REFERENCE_NO_LENGTH)),
    }),
  ]),
  positions: v.pipe(v.array(PositionSchema), v.minLength(1), v.maxLength(16)),
});

export function encodeCursor(cursor: LookupCursor): string {
  return Buffer.from(JSON.stringify({ v: 1, ...cursor }), 'utf8').toString('base64url');
}

/**
 * Reads a cursor from the query string. `expectedStreams(filter)` gives the list's partitions in
 * order, so a position is checked against the partition it will be used in.
 */
export function decodeCursor(
  text: string,
  expectedStreams: (filter: ListFilter) => readonly string[],
): LookupCursor {
  const cursor = parse(text);
  const { filter } = cursor;
  if (
    filter.kind === 'recent' &&
    filter.createdAfter !== null &&
    filter.createdBefore !== null &&
    filter.createdAfter >= filter.createdBefore
  ) {
    throw invalidCursor();
  }
  const streams = expectedStreams(filter);
  if (cursor.positions.length !== streams.length) throw invalidCursor();
  for (const [index, position] of cursor.positions.entries()) {
    if (typeof position === 'string') continue;
    const [createdAt, reservationId] = position;
    // The position is a key of that very partition, inside the list's time window; otherwise
    // DynamoDB would refuse it as a start key (a 500), or it would skip or repeat items.
    if (cursor.filter.kind === 'recent') {
      if (createdShardOf(reservationId) !== streams[index]) throw invalidCursor();
      const { createdAfter, createdBefore } = cursor.filter;
      if (createdAfter !== null && createdAt <= createdAfter) throw invalidCursor();
      if (createdBefore !== null && createdAt >= createdBefore) throw invalidCursor();
    }
  }
  return { filter: cursor.filter, positions: cursor.positions };
}

function parse(text: string): v.InferOutput<typeof CursorSchema> {
  if (text.length > MAX_CURSOR_LENGTH || !/^[\w-]+$/.test(text)) throw invalidCursor();
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  const result = v.safeParse(CursorSchema, json);
  if (!result.success) throw invalidCursor();
  return result.output;
}

function invalidCursor(): InputValidationError {
  return new InputValidationError('The cursor is invalid', [
    {
      path: 'cursor',
      message: 'must be a nextCursor of an earlier answer, sent unchanged with limit only',
    },
  ]);
}
