import { createHash } from 'node:crypto';

/** `<prefix>#<0..shards-1>`, from a hash of our reservation id: stable, and even across shards. */
export function shardOf(prefix: string, reservationId: string, shards: number): string {
  const hash = createHash('sha256').update(reservationId, 'utf8').digest();
  return `${prefix}#${hash.readUInt32BE(0) % shards}`;
}

/** Every shard's partition key value. */
export function allShards(prefix: string, shards: number): string[] {
  return Array.from({ length: shards }, (_, index) => `${prefix}#${index}`);
}
