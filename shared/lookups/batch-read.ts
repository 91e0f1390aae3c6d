import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { backoffMs, sleep } from '../backoff.ts';

/** BatchGetItem takes at most 100 keys; a page is never larger (`MAX_PAGE_SIZE`). */
const MAX_KEYS = 100;
const MAX_TRIES = 5;

/**
 * The items of `keys`, in one BatchGetItem (more when DynamoDB hands keys back unprocessed, which
 * it does under throttling), keyed by `pk`. Missing items are left out. Eventually consistent, as
 * the index that found the keys is: half the cost; `GET /reservations/{id}` reads consistently.
 */
export async function readItems(
  documents: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly { readonly pk: string; readonly sk: string }[],
): Promise<Map<string, Record<string, unknown>>> {
  if (keys.length > MAX_KEYS) throw new RangeError(`At most ${MAX_KEYS} keys, not ${keys.length}`);
  const items = new Map<string, Record<string, unknown>>();
  let pending: Record<string, unknown>[] = [...keys];
  for (let attempt = 1; pending.length > 0; attempt += 1) {
    if (attempt > MAX_TRIES) throw new Error(`${pending.length} keys stayed unprocessed`);
    if (attempt > 1) await sleep(backoffMs(attempt, { baseMs: 50, maxMs: 1_000 }));
    const answer = await documents.send(
      new BatchGetCommand({
        RequestItems: { [tableName]: { Keys: pending } },
      }),
    );
    for (const item of answer.Responses?.[tableName] ?? []) items.set(String(item.pk), item);
    pending = answer.UnprocessedKeys?.[tableName]?.Keys ?? [];
  }
  return items;
}
