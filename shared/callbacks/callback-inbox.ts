import { createHash, randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { backoffMs } from '../backoff.ts';
import { parseRawQuery } from '../front-payment/callback-checksum.ts';
import { reservationsTableDesign } from '../reservations/table-design.ts';

/**
 * Verified callbacks, kept before anything else is done with them, until Front Payment's details
 * confirmed what they announced. While unconfirmed an item carries `outbox = UNCONFIRMED_CALLBACK`
 * and `nextAttemptAt`, so the sparse `due-callbacks` index (partition `outbox`, sort
 * `nextAttemptAt`) lists for the sweeper only those whose next try is due.
 */
export const UNCONFIRMED_CALLBACK = 'UNCONFIRMED_CALLBACK';

/**
 * A callback that named no reservation of ours for `MAX_UNMATCHED_TRIES` tries: kept (a repeated
 * delivery is still confirmed), but no longer tried by the sweeper. Operators see it in the
 * console and the alarm.
 */
export const UNMATCHED_CALLBACK = 'UNMATCHED_CALLBACK';

/**
 * Tries to match a callback to a reservation of ours before it is set aside: the callback's own
 * and the sweeper's, with `CONFIRMATION_BACKOFF` between them, so about 3 to 6 hours. Each try
 * costs DynamoDB reads only. A callback whose details could not be read is not limited: it is
 * tried, hourly at most, until it is confirmed or expires (its age alarms).
 */
export const MAX_UNMATCHED_TRIES = 12;

/** How long a kept callback stays in the table after it arrived (DynamoDB TTL). */
const INBOX_RETENTION_SECONDS = 30 * 24 * 60 * 60;

/**
 * The sweeper leaves a new item alone this long: the callback that kept it is still confirming
 * it (its Lambda times out well before).
 */
export const FIRST_SWEEP_DELAY_MS = 60_000;

/** Later confirmation attempts back off from a minute to an hour. */
export const CONFIRMATION_BACKOFF = { baseMs: 60_000, maxMs: 3_600_000 } as const;

export interface InboxKey {
  readonly pk: string;
  readonly sk: string;
}

/** A verified callback as it arrived. */
export interface KeptCallback {
  readonly key: InboxKey;
  /** The query exactly as received: the checksum and any later reading depend on it. */
  readonly rawQueryString: string;
  /** Our reservation id, when the callback URL carried it as a path segment. */
  readonly reservationId: string | null;
  /** Front Payment's reservation uuid as the callback named it (`orderUuid`), when readable. */
  readonly reservationUuid: string | null;
  readonly receivedAt: string;
  /** Tries to confirm it so far. */
  readonly attempts: number;
}

export type KeepOutcome =
  | { readonly kind: 'kept'; readonly callback: KeptCallback }
  /** The identical delivery came before; `confirmed` says whether its changes are recorded. */
  | { readonly kind: 'seen'; readonly callback: KeptCallback; readonly confirmed: boolean };

export interface CallbackInbox {
  /** Keeps a verified callback; one conditional write, which also tells a repeated delivery. */
  keep(callback: Omit<KeptCallback, 'key' | 'attempts'>): Promise<KeepOutcome>;
  /** The update that marks a kept callback confirmed, for the transaction recording its changes. */
  confirmation(key: InboxKey, confirmedAt: Date): ConfirmationUpdate;
  /** Marks it confirmed on its own (when the details show nothing new). */
  markConfirmed(key: InboxKey, confirmedAt: Date): Promise<void>;
  /**
   * Up to `limit` unconfirmed callbacks whose next try is due by `dueBy`, longest due first;
   * `next` continues the listing where this page stopped.
   */
  listDue(query: {
    readonly dueBy: Date;
    readonly limit: number;
    readonly cursor?: DueCursor;
  }): Promise<{ readonly keys: InboxKey[]; readonly next?: DueCursor }>;
  /**
   * Takes the next confirmation attempt of an unconfirmed callback whose wait has run out;
   * undefined when it is confirmed, not due, or another sweeper took it.
   */
  claim(key: InboxKey, now: Date): Promise<KeptCallback | undefined>;
  /** After a failed attempt: the next one waits for the backoff of its attempt number. */
  defer(callback: KeptCallback, now: Date): Promise<void>;
  /**
   * Makes a confirmed callback unconfirmed again, due after the first sweep delay: a repeat whose
   * details read was put off (see `details-read-gate.ts`) may announce a change not read yet.
   */
  reopen(key: InboxKey, now: Date): Promise<void>;
  /** Takes an unmatched callback out of the sweeper's list, kept (see `UNMATCHED_CALLBACK`). */
  setAside(callback: KeptCallback, now: Date): Promise<void>;
}

/** Where a `listDue` page stopped (the index's last evaluated key). */
export type DueCursor = Readonly<Record<string, unknown>>;

export interface ConfirmationUpdate {
  readonly Update: {
    readonly TableName: string;
    readonly Key: Readonly<Record<string, string>>;
    readonly UpdateExpression: string;
    readonly ExpressionAttributeNames: Readonly<Record<string, string>>;
    readonly ExpressionAttributeValues: Readonly<Record<string, unknown>>;
  };
}

/**
 * One item per signed content: the same callback again finds it (and is still confirmed through
 * details, see `record-callback.ts`); a resend with a new `timestamp` is a new one. Keyed on the
 * checksum, not the raw query: the checksum signs values, not names, so a query with a name
 * changed or an empty parameter added is the same callback, not a new one to read details for.
 */
export function inboxKeyOf(reservationId: string | null, rawQueryString: string): InboxKey {
  const checksums = parseRawQuery(rawQueryString).filter(([name]) => name === 'checksum');
  const signed =
    checksums.length === 1 ? `checksum:${checksums[0]?.[1].toLowerCase()}` : rawQueryString;
  const hash = createHash('sha256')
    .update(JSON.stringify([reservationId, signed]), 'utf8')
    .digest('hex');
  return { pk: `CALLBACK#${hash}`, sk: 'CALLBACK' };
}

export function createCallbackInbox(options: {
  readonly documents: DynamoDBDocumentClient;
  readonly tableName: string;
}): CallbackInbox {
  const { documents, tableName } = options;
  const index = reservationsTableDesign.indexes.dueCallbacks;

  function confirmation(key: InboxKey, confirmedAt: Date): ConfirmationUpdate {
    return {
      Update: {
        TableName: tableName,
        Key: { pk: key.pk, sk: key.sk },
        UpdateExpression: 'SET #confirmedAt = :at REMOVE #outbox, #next',
        ExpressionAttributeNames: {
          '#confirmedAt': 'confirmedAt',
          '#outbox': index.partitionKey,
          '#next': index.sortKey,
        },
        ExpressionAttributeValues: { ':at': confirmedAt.toISOString() },
      },
    };
  }

  return {
    async keep(callback) {
      const key = inboxKeyOf(callback.reservationId, callback.rawQueryString);
      const receivedAt = Date.parse(callback.receivedAt);
      // This write's own id: the SDK may resend it when DynamoDB's answer is lost, and the resend
      // must tell its own first try (a new callback) from an earlier delivery.
      const keptBy = randomUUID();
      const item = {
        ...key,
        itemType: 'CALLBACK',
        ...callback,
        keptBy,
        attempts: 1,
        [index.partitionKey]: UNCONFIRMED_CALLBACK,
        [index.sortKey]: receivedAt + FIRST_SWEEP_DELAY_MS,
        expiresAt: Math.floor(receivedAt / 1000) + INBOX_RETENTION_SECONDS,
      };
      try {
        await documents.send(
          new PutCommand({
            TableName: tableName,
            Item: item,
            ConditionExpression: 'attribute_not_exists(pk)',
            // A repeated delivery learns what became of the first one without a second read.
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { kind: 'kept', callback: keptCallbackOf(item) };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        if (error.Item?.keptBy?.S === keptBy)
          return { kind: 'kept', callback: keptCallbackOf(item) };
        const existing = error.Item
          ? keptCallbackOf(unmarshalled(error.Item))
          : keptCallbackOf(item);
        const confirmed = error.Item ? !(index.partitionKey in error.Item) : false;
        return { kind: 'seen', callback: existing, confirmed };
      }
    },

    confirmation,

    async markConfirmed(key, confirmedAt) {
      await documents.send(new UpdateCommand(confirmation(key, confirmedAt).Update));
    },

    async listDue({ dueBy, limit, cursor }) {
      const { Items = [], LastEvaluatedKey } = await documents.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: index.name,
          KeyConditionExpression: '#outbox = :unconfirmed AND #next <= :dueBy',
          ExpressionAttributeNames: { '#outbox': index.partitionKey, '#next': index.sortKey },
          ExpressionAttributeValues: {
            ':unconfirmed': UNCONFIRMED_CALLBACK,
            ':dueBy': dueBy.getTime(),
          },
          Limit: limit,
          ...(cursor ? { ExclusiveStartKey: cursor } : {}),
        }),
      );
      return {
        keys: Items.map((item) => ({ pk: String(item.pk), sk: String(item.sk) })),
        ...(LastEvaluatedKey ? { next: LastEvaluatedKey } : {}),
      };
    },

    async claim(key, now) {
      const at = now.getTime();
      // This attempt's own id: a resend by the SDK finds it on the item its first try claimed.
      const claimedBy = randomUUID();
      try {
        const { Attributes } = await documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: key.pk, sk: key.sk },
            // The claim is a lease: other sweepers skip the item until it runs out or `defer`
            // sets the next try.
            UpdateExpression: 'SET #next = :leaseUntil, #claimedBy = :claimedBy ADD #attempts :one',
            ConditionExpression: '#outbox = :unconfirmed AND #next <= :now',
            ExpressionAttributeNames: {
              '#outbox': index.partitionKey,
              '#next': index.sortKey,
              '#attempts': 'attempts',
              '#claimedBy': 'claimedBy',
            },
            ExpressionAttributeValues: {
              ':unconfirmed': UNCONFIRMED_CALLBACK,
              ':now': at,
              ':one': 1,
              ':leaseUntil': at + FIRST_SWEEP_DELAY_MS,
              ':claimedBy': claimedBy,
            },
            ReturnValues: 'ALL_NEW',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return Attributes ? keptCallbackOf(Attributes) : undefined;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        return error.Item?.claimedBy?.S === claimedBy
          ? keptCallbackOf(unmarshalled(error.Item))
          : undefined;
      }
    },

    async defer(callback, now) {
      await documents
        .send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: callback.key.pk, sk: callback.key.sk },
            UpdateExpression: 'SET #next = :next',
            ConditionExpression: 'attribute_exists(#outbox)',
            ExpressionAttributeNames: { '#next': index.sortKey, '#outbox': index.partitionKey },
            ExpressionAttributeValues: {
              ':next': now.getTime() + backoffMs(callback.attempts + 1, CONFIRMATION_BACKOFF),
            },
          }),
        )
        .catch((error: unknown) => {
          // Confirmed meanwhile by someone else: nothing to defer.
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        });
    },

    async reopen(key, now) {
      await documents
        .send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: key.pk, sk: key.sk },
            UpdateExpression: 'SET #outbox = :unconfirmed, #next = :next REMOVE #confirmedAt',
            // Only a confirmed one: an unconfirmed one is on the sweeper's list already.
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#outbox)',
            ExpressionAttributeNames: {
              '#outbox': index.partitionKey,
              '#next': index.sortKey,
              '#confirmedAt': 'confirmedAt',
            },
            ExpressionAttributeValues: {
              ':unconfirmed': UNCONFIRMED_CALLBACK,
              ':next': now.getTime() + FIRST_SWEEP_DELAY_MS,
            },
          }),
        )
        .catch((error: unknown) => {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        });
    },

    async setAside(callback, now) {
      await documents
        .send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: callback.key.pk, sk: callback.key.sk },
            // Still carries `outbox`, so a repeated delivery is read through and confirmed.
            UpdateExpression: 'SET #outbox = :setAside, #setAsideAt = :at REMOVE #next',
            ConditionExpression: '#outbox = :unconfirmed',
            ExpressionAttributeNames: {
              '#outbox': index.partitionKey,
              '#next': index.sortKey,
              '#setAsideAt': 'setAsideAt',
            },
            ExpressionAttributeValues: {
              ':setAside': UNMATCHED_CALLBACK,
              ':unconfirmed': UNCONFIRMED_CALLBACK,
              ':at': now.toISOString(),
            },
          }),
        )
        .catch((error: unknown) => {
          // Confirmed meanwhile by someone else: nothing to set aside.
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        });
    },
  };
}

function keptCallbackOf(item: Record<string, unknown>): KeptCallback {
  return {
    key: { pk: String(item.pk), sk: String(item.sk) },
    rawQueryString: String(item.rawQueryString ?? ''),
    reservationId: typeof item.reservationId === 'string' ? item.reservationId : null,
    reservationUuid: typeof item.reservationUuid === 'string' ? item.reservationUuid : null,
    receivedAt: String(item.receivedAt),
    attempts: Number(item.attempts ?? 1),
  };
}

/** `ReturnValuesOnConditionCheckFailure` hands back the raw attribute-value map. */
function unmarshalled(item: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(item).map(([name, value]) => {
      const typed = value as { S?: string; N?: string; NULL?: boolean } | undefined;
      if (typed?.S !== undefined) return [name, typed.S];
      if (typed?.N !== undefined) return [name, Number(typed.N)];
      return [name, null];
    }),
  );
}
