import { createHash } from 'node:crypto';

/**
 * The open-reservations index (see `table-design.ts`): a reservation that is not final carries
 * `openShard` and `nextCheckAt`; removing `openShard` takes it out of the index.
 */

/** Shards of the index: each is one partition, so eight spread the reconciler's reads. */
export const OPEN_SHARDS = 8;

/** `OPEN#<0..7>`, from a hash of our reservation id: stable, and even across shards. */
export function openShardOf(reservationId: string, shards = OPEN_SHARDS): string {
  const hash = createHash('sha256').update(reservationId, 'utf8').digest();
  return `OPEN#${hash.readUInt32BE(0) % shards}`;
}

/** Every shard's partition key value. */
export function allOpenShards(shards = OPEN_SHARDS): string[] {
  return Array.from({ length: shards }, (_, index) => `OPEN#${index}`);
}

/** The index's sort key: ISO text sorts as time does. */
export function checkTime(at: Date | number): string {
  return new Date(at).toISOString();
}
