import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { reservationKeysByUuid } from '#shared/reservations/uuid-index';

/** Index lookups sent at once: enough to hide DynamoDB's latency, few enough to stay polite. */
const LOOKUPS_IN_PARALLEL = 25;
/** Owners remembered by a warm container; the oldest are forgotten first. */
const MAX_REMEMBERED = 50_000;

/**
 * Whose reservation each Front Payment session is: the reservation id of ours that recorded its
 * uuid, or the `customerReference` its details showed. Both facts never change, so a container
 * remembers them across runs and a busy window is looked up once, not once per unknown outcome.
 */
export interface SessionOwners {
  /** The owners known for `uuids` (from memory, then the `by-front-payment-uuid` index). */
  ownersOf(uuids: readonly string[]): Promise<ReadonlyMap<string, string>>;
  /** What a details read showed: the session's `customerReference` (null when it has none). */
  remember(uuid: string, owner: string | null): void;
  /**
   * Runs searches one after another: the shards are walked at once, and two searches over the
   * same busy window side by side would each read the sessions the other is reading.
   */
  inTurn<T>(search: () => Promise<T>): Promise<T>;
}

/** The index names our reservations by Front Payment's uuid; details name them by ours. */
export function createSessionOwners(
  documents: DynamoDBDocumentClient,
  tableName: string,
): SessionOwners {
  const remembered = new Map<string, string>();
  let turn: Promise<unknown> = Promise.resolve();

  const remember = (uuid: string, owner: string) => {
    if (remembered.size >= MAX_REMEMBERED) {
      const oldest = remembered.keys().next().value;
      if (oldest !== undefined) remembered.delete(oldest);
    }
    remembered.set(uuid, owner);
  };

  /** Our reservation holding `uuid`, if any (the index is eventually consistent: a miss is no proof). */
  async function lookUp(uuid: string): Promise<string | undefined> {
    const [item] = await reservationKeysByUuid(documents, tableName, uuid, 1);
    const key = item?.pk;
    return typeof key === 'string' ? key.replace(/^RESERVATION#/, '') : undefined;
  }

  return {
    async ownersOf(uuids) {
      const owners = new Map<string, string>();
      const unknown: string[] = [];
      for (const uuid of uuids) {
        const owner = remembered.get(uuid);
        if (owner === undefined) unknown.push(uuid);
        else owners.set(uuid, owner);
      }
      for (let start = 0; start < unknown.length; start += LOOKUPS_IN_PARALLEL) {
        const batch = unknown.slice(start, start + LOOKUPS_IN_PARALLEL);
        const found = await Promise.all(batch.map(lookUp));
        batch.forEach((uuid, position) => {
          const owner = found[position];
          if (owner === undefined) return;
          // Not yet known is not remembered: the uuid may be recorded on ours any moment.
          remember(uuid, owner);
          owners.set(uuid, owner);
        });
      }
      return owners;
    },

    remember(uuid, owner) {
      // A session without a customer reference is nobody's of ours: remembered as such.
      remember(uuid, owner ?? '');
    },

    inTurn(search) {
      const result = turn.then(search);
      turn = result.catch(() => undefined);
      return result;
    },
  };
}
