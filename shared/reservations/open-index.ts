import { allShards, shardOf } from './shard-of.ts';

/**
 * The open-reservations index (see `table-design.ts`): a reservation that is not final carries
 * `openShard` and `nextCheckAt`; removing `openShard` takes it out of the index.
 */

/** Shards of the index: each is one partition, so eight spread the reconciler's reads. */
export const OPEN_SHARDS = 8;

/** `OPEN#<0..7>`, from a hash of our reservation id: stable, and even across shards. */
export function openShardOf(reservationId: string, shards = OPEN_SHARDS): string {
  return shardOf('OPEN', reservationId, shards);
}

/** Every shard's partition key value. */
export function allOpenShards(shards = OPEN_SHARDS): string[] {
  return allShards('OPEN', shards);
}

/** The index's sort key: ISO text sorts as time does. */
export function checkTime(at: Date | number): string {
  return new Date(at).toISOString();
}
