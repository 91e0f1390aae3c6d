import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputValidationError } from '../../shared/errors.ts';
import {
  decodeCursor,
  encodeCursor,
  type ListFilter,
  type LookupCursor,
  type StreamPosition,
} from '../../shared/lookups/lookup-cursor.ts';
import { allCreatedShards, createdShardOf } from '../../shared/reservations/created-index.ts';

/** The partitions each list reads, as `find-reservations.ts` names them. */
const streamsOf = (filter: ListFilter) =>
  filter.kind === 'recent' ? allCreatedShards() : [`REF:${filter.referenceNo}`];

/** The one way decoding may fail: a 400 naming `cursor`. */
function decodesOrRefuses(text: string): LookupCursor | 'refused' {
  try {
    return decodeCursor(text, streamsOf);
  } catch (error) {
    expect(error).toBeInstanceOf(InputValidationError);
    expect((error as InputValidationError).errors.map((field) => field.path)).toEqual(['cursor']);
    return 'refused';
  }
}

const reservationId = fc.uuid();
const storedTime = fc
  .date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z') })
  .filter((date) => !Number.isNaN(date.getTime()))
  .map((date) => date.toISOString());

/** A cursor this service could hand out: each position a key of its own shard. */
const validRecentCursor: fc.Arbitrary<LookupCursor> = fc
  .array(fc.tuple(storedTime, reservationId), { minLength: 0, maxLength: 8 })
  .chain((keys) =>
    fc.constantFrom<'start' | 'end'>('start', 'end').map((rest) => {
      const positions: StreamPosition[] = allCreatedShards().map(() => rest);
      for (const [createdAt, id] of keys) {
        positions[allCreatedShards().indexOf(createdShardOf(id))] = [createdAt, id];
      }
      return {
        filter: { kind: 'recent', createdAfter: null, createdBefore: null },
        positions,
      } satisfies LookupCursor;
    }),
  );

describe('lookup cursor (property, seeded)', () => {
  it('hands back every cursor it encoded', () => {
    fc.assert(
      fc.property(validRecentCursor, (cursor) => {
        expect(decodesOrRefuses(encodeCursor(cursor))).toEqual(cursor);
      }),
      { seed: 20261204, numRuns: 300 },
    );
  });

  it('refuses any text with a 400 on cursor, never another error', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 3000, unit: 'binary' }), (text) => {
        decodesOrRefuses(text);
      }),
      { seed: 1812, numRuns: 1000 },
    );
  });

  it('refuses any JSON in base64url unless it is a position of the right partition', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (json) => {
        expect(
          decodesOrRefuses(Buffer.from(JSON.stringify(json), 'utf8').toString('base64url')),
        ).toBe('refused');
      }),
      { seed: 418, numRuns: 1000 },
    );
  });

  it('refuses a valid cursor with one character changed, or decodes it to a checked position', () => {
    fc.assert(
      fc.property(
        validRecentCursor,
        fc.nat(),
        fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'),
        (cursor, at, replacement) => {
          const text = encodeCursor(cursor);
          const index = at % text.length;
          const decoded = decodesOrRefuses(
            `${text.slice(0, index)}${replacement}${text.slice(index + 1)}`,
          );
          if (decoded === 'refused' || decoded.filter.kind !== 'recent') return;
          // What survives is still a key of the partition it will be used in.
          for (const [index, position] of decoded.positions.entries()) {
            if (typeof position !== 'string') {
              expect(createdShardOf(position[1])).toBe(allCreatedShards()[index]);
            }
          }
        },
      ),
      { seed: 9457, numRuns: 1000 },
    );
  });
});
