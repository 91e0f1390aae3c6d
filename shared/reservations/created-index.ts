import { allShards, shardOf } from './shard-of.ts';

/**
 * The recent-reservations index (see `table-design.ts`): every reservation item carries
 * `createdShard`, written once at creation, and is listed by its `createdAt`.
 */

/**
 * Shards of the index. A GSI partition takes about 1,000 writes a second, so eight take
 * creations far beyond any merchant's checkout rate; a page of the list reads all eight.
 */
export const CREATED_SHARDS = 8;

/** `CREATED#<0..7>`, from a hash of our reservation id. */
export function createdShardOf(reservationId: string): string {
  return shardOf('CREATED', reservationId, CREATED_SHARDS);
}

/** Every shard's partition key value, in shard order. */
export function allCreatedShards(): string[] {
  return allShards('CREATED', CREATED_SHARDS);
}
