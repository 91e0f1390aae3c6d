import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, paginateScan, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { reservationKeys } from './table-design.ts';

/** A reservation item as the backfill scan returns it: its id and the attributes asked for. */
export interface BackfillItem {
  readonly reservationId: string;
  readonly [attribute: string]: unknown;
}

/** The write for one item; the walker adds the table, the key and its own conditions. */
export interface BackfillUpdate {
  readonly UpdateExpression: string;
  /** What must still hold when the write lands, besides "exists and still lacks the attribute". */
  readonly ConditionExpression?: string;
  readonly ExpressionAttributeNames?: Record<string, string>;
  readonly ExpressionAttributeValues: Record<string, unknown>;
}

/** What one backfill adds to the reservation items written before an index existed. */
export interface ReservationBackfill {
  /** The attribute the backfill writes: only reservation items without it are visited. */
  readonly missing: string;
  /** The attributes `update` reads, besides `reservationId`. */
  readonly reads?: readonly string[];
  /** The write for one item, or `undefined` to leave it as it is. */
  update(item: BackfillItem): BackfillUpdate | undefined;
}

/**
 * Walks every reservation item that lacks `backfill.missing` and writes it with one conditional
 * update each; returns how many it wrote. A Scan, as a one-off maintenance step: the request
 * paths never scan. Each write lands only if the item still lacks the attribute, so running it
 * again, or while the stack takes traffic, changes nothing that the stack itself wrote meanwhile.
 */
export async function backfillReservations(
  documents: DynamoDBDocumentClient,
  tableName: string,
  backfill: ReservationBackfill,
): Promise<number> {
  const pages = paginateScan(
    { client: documents },
    {
      TableName: tableName,
      FilterExpression: 'sk = :reservation AND attribute_not_exists(#missing)',
      ...projectionOf(['reservationId', ...(backfill.reads ?? [])], backfill.missing),
      ExpressionAttributeValues: { ':reservation': reservationKeys.reservation('').sk },
    },
  );
  let written = 0;
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      const reservationId = String(item.reservationId);
      const update = backfill.update({ ...item, reservationId });
      if (!update) continue;
      const target = { tableName, reservationId, missing: backfill.missing };
      if (await writeIfStillMissing(documents, target, update)) written += 1;
    }
  }
  return written;
}

async function writeIfStillMissing(
  documents: DynamoDBDocumentClient,
  target: { tableName: string; reservationId: string; missing: string },
  update: BackfillUpdate,
): Promise<boolean> {
  const conditions = ['attribute_exists(pk)', 'attribute_not_exists(#missing)'];
  if (update.ConditionExpression) conditions.push(update.ConditionExpression);
  try {
    await documents.send(
      new UpdateCommand({
        ...update,
        TableName: target.tableName,
        Key: reservationKeys.reservation(target.reservationId),
        ConditionExpression: conditions.join(' AND '),
        ExpressionAttributeNames: {
          ...update.ExpressionAttributeNames,
          '#missing': target.missing,
        },
      }),
    );
    return true;
  } catch (error) {
    // Written since the scan saw it (by the stack, or by another run of this backfill).
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** `status` and other reserved words may be read: every projected name goes by a placeholder. */
function projectionOf(attributes: readonly string[], missing: string) {
  const names: Record<string, string> = { '#missing': missing };
  const placeholders = attributes.map((attribute, index) => {
    names[`#read${index}`] = attribute;
    return `#read${index}`;
  });
  return { ProjectionExpression: placeholders.join(', '), ExpressionAttributeNames: names };
}
