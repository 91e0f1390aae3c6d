import { randomUUID } from 'node:crypto';
import { type CancellationReason, ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import * as v from 'valibot';
import { backoffMs, sleep } from '../backoff.ts';
import { PUBLISH_LEASE_MS } from '../events/outbox-repository.ts';
import type { StatusChangedDetail } from '../events/status-changed-event.ts';
import type { ReservationDetails } from '../front-payment/reservation-details.ts';
import { sumAmounts } from '../money.ts';
import { watchesRefunds } from '../reservations/refund-watch.ts';
import { PENDING_OUTBOX, reservationKeys } from '../reservations/table-design.ts';
import { reservationKeysByUuid } from '../reservations/uuid-index.ts';
import {
  AmbiguousReservationError,
  MalformedReservationError,
  StatusChangeConflictError,
} from './callback-errors.ts';
import type { ConfirmationUpdate } from './callback-inbox.ts';
import { changeIdOf, eventIdOf } from './change-id.ts';
import { type Movement, movementsOf, newMovements } from './movements.ts';
import { isOwnAdoption, orphanAdoptionUpdate } from './orphan-adoption-update.ts';
import { isFinalStatus, normalisePaymentStatus, rankOfStatus } from './payment-status.ts';
import { statusAfter } from './status-after.ts';
import type { StatusChangeRecord } from './status-change-record.ts';

/**
 * The part of a reservation item a change reads. `recordedChanges` is the snapshot of what was
 * recorded so far: the identities of its changes (see `movements.ts`), so a callback writes only
 * what is new and a repeated one writes nothing but its own confirmation.
 */
const ReservationStateSchema = v.looseObject({
  pk: v.string(),
  sk: v.string(),
  reservationId: v.string(),
  frontPaymentUuid: v.optional(v.string()),
  status: v.string(),
  statusRank: v.number(),
  version: v.number(),
  recordedChanges: v.optional(v.set(v.string())),
});
export type ReservationState = v.InferOutput<typeof ReservationStateSchema>;

/** The attribute holding that snapshot (a DynamoDB string set). */
const RECORDED_CHANGES = 'recordedChanges';

export interface RecordedChanges {
  /** The changes written now, in order; empty when the details showed nothing new. */
  readonly records: readonly StatusChangeRecord[];
  /** The recorder holds the publish lease of every record under this token. */
  readonly leaseOwner: string;
  /**
   * The reservation as this recording left it (or last read it): a later recording by the same
   * request starts from here instead of reading the reservation again.
   */
  readonly state: ReservationState;
}

export interface StatusChangeRepository {
  /** Our reservation by our id (from the callback URL's path), read consistently. */
  findReservationById(reservationId: string): Promise<ReservationState | undefined>;
  /** Our reservation by Front Payment's uuid (through the lookup index); undefined if unknown. */
  findReservationByUuid(reservationUuid: string): Promise<ReservationState | undefined>;
  /**
   * Records every change `details` show that is not recorded yet, moves the status forward and
   * applies `confirmation` (the kept callback's, when it is not confirmed yet), all in one
   * transaction. Nothing new and nothing to confirm: no write at all.
   */
  recordChanges(
    reservation: ReservationState,
    details: ReservationDetails,
    receivedAt: string,
    confirmation: ConfirmationUpdate | undefined,
  ): Promise<RecordedChanges>;
  /**
   * Records Front Payment's uuid of an orphan session on the reservation it belongs to (see
   * `orphan-session.ts`); the reservation as written, or undefined when it was not adoptable.
   */
  adoptSession(
    reservationId: string,
    reservationUuid: string,
    at: Date,
  ): Promise<ReservationState | undefined>;
}

export interface StatusChangeRepositoryOptions {
  readonly documents: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Tries when other writers win the optimistic lock. @default 10 */
  readonly maxAttempts?: number;
  readonly now?: () => Date;
}

/** TransactWriteItems takes at most 100 items: the reservation, the confirmation, 98 changes. */
const MAX_CHANGES_PER_TRANSACTION = 98;

export function createStatusChangeRepository(
  options: StatusChangeRepositoryOptions,
): StatusChangeRepository {
  const { documents, tableName } = options;
  const maxAttempts = options.maxAttempts ?? 10;
  const now = options.now ?? (() => new Date());

  async function readReservation(key: { pk: string; sk: string }) {
    const { Item } = await documents.send(
      new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const parsed = v.safeParse(ReservationStateSchema, Item);
    if (!parsed.success) {
      throw new MalformedReservationError(`Reservation item ${key.pk} lacks status fields`);
    }
    return parsed.output;
  }

  return {
    findReservationById: (reservationId) =>
      readReservation(reservationKeys.reservation(reservationId)),

    async findReservationByUuid(reservationUuid) {
      // The index is eventually consistent and KEYS_ONLY: it finds the key, a consistent read
      // then gives the current status and version.
      const items = await reservationKeysByUuid(documents, tableName, reservationUuid, 2);
      if (items.length > 1) {
        throw new AmbiguousReservationError(
          `More than one reservation has Front Payment uuid ${reservationUuid}`,
        );
      }
      const key = items[0];
      if (!key) return undefined;
      return readReservation({ pk: String(key.pk), sk: String(key.sk) });
    },

    async recordChanges(reservation, details, receivedAt, confirmation) {
      let seen = reservation;
      const leaseOwner = randomUUID();
      for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
        const movements = newMovements(details, seen.recordedChanges ?? new Set()).slice(
          0,
          MAX_CHANGES_PER_TRANSACTION,
        );
        if (movements.length === 0) {
          if (confirmation) await documents.send(new UpdateCommand(confirmation.Update));
          return { records: [], leaseOwner, state: seen };
        }
        const at = now();
        const built = buildRecords(seen, details, movements, receivedAt).map((record) => ({
          ...record,
          // The recorder owns the publish lease from the start: the sweeper waits.
          publishLeaseUntil: at.getTime() + PUBLISH_LEASE_MS,
          publishLeaseOwner: leaseOwner,
        }));
        const last = built.at(-1) as StatusChangeRecord;
        try {
          await documents.send(
            new TransactWriteCommand({
              TransactItems: [
                ...built.map((record) => ({
                  Put: {
                    TableName: tableName,
                    Item: record,
                    // The change id is the key: a change recorded before fails here.
                    ConditionExpression: 'attribute_not_exists(pk)',
                  },
                })),
                {
                  Update: {
                    TableName: tableName,
                    Key: { pk: seen.pk, sk: seen.sk },
                    UpdateExpression:
                      'SET #status = :status, #rank = :rank, #version = :version, #updatedAt = :now, #lastChangeAt = :receivedAt ADD #recorded :identities' +
                      // A final status takes the reservation out of the reconciler's index,
                      // unless money is left to refund after COMPLETED (`refund-watch.ts`).
                      (isFinalStatus(last.currentStatus) && !watchesRefunds(details)
                        ? ' REMOVE openShard, nextCheckAt'
                        : ''),
                    // Optimistic lock: the snapshot we compared against is still the current one.
                    ConditionExpression: '#version = :seen',
                    ExpressionAttributeNames: {
                      '#status': 'status',
                      '#rank': 'statusRank',
                      '#version': 'version',
                      '#updatedAt': 'updatedAt',
                      '#lastChangeAt': 'lastChangeAt',
                      '#recorded': RECORDED_CHANGES,
                    },
                    ExpressionAttributeValues: {
                      ':status': last.currentStatus,
                      ':rank': rankAfter(built),
                      ':version': last.reservationVersion,
                      ':seen': seen.version,
                      ':now': at.toISOString(),
                      ':receivedAt': receivedAt,
                      ':identities': new Set(built.map((record) => record.identity)),
                    },
                  },
                },
                ...(confirmation ? [confirmation] : []),
              ],
            }),
          );
          return { records: built, leaseOwner, state: stateAfter(seen, built) };
        } catch (error) {
          if (!isLockContention(error)) throw error;
        }
        // Another callback recorded first: read its snapshot and compute what is still new.
        await sleep(backoffMs(attempt + 1, { baseMs: 20, maxMs: 200 }));
        const current = await readReservation({ pk: seen.pk, sk: seen.sk });
        if (!current) {
          throw new MalformedReservationError(`Reservation ${seen.reservationId} disappeared`);
        }
        seen = current;
      }
      throw new StatusChangeConflictError(
        `Could not record the changes of reservation ${reservation.reservationId} after ${maxAttempts} tries`,
      );
    },

    async adoptSession(reservationId, reservationUuid, at) {
      try {
        const { Attributes } = await documents.send(
          new UpdateCommand({
            TableName: tableName,
            ...orphanAdoptionUpdate(reservationId, reservationUuid, at),
            ReturnValues: 'ALL_NEW',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return v.parse(ReservationStateSchema, Attributes);
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        const old = error.Item ? unmarshall(error.Item) : undefined;
        return old && isOwnAdoption(old, reservationUuid, at)
          ? v.parse(ReservationStateSchema, old)
          : undefined;
      }
    },
  };
}

/** The reservation's state once `built` is written over `seen` (what the transaction sets). */
function stateAfter(
  seen: ReservationState,
  built: readonly StatusChangeRecord[],
): ReservationState {
  const last = built.at(-1) as StatusChangeRecord;
  return {
    ...seen,
    status: last.currentStatus,
    statusRank: rankAfter(built),
    version: last.reservationVersion,
    recordedChanges: new Set([
      ...(seen.recordedChanges ?? []),
      ...built.map((record) => record.identity),
    ]),
  };
}

/** The records of `movements`, one after another from the reservation's state `seen`. */
function buildRecords(
  seen: ReservationState,
  details: ReservationDetails,
  movements: readonly Movement[],
  receivedAt: string,
): StatusChangeRecord[] {
  let current = { status: seen.status, statusRank: seen.statusRank };
  // A read older than what is recorded (another Lambda recorded a newer one first) does not
  // say the current status: its changes then take their own kind.
  const reported = isStale(details, seen.recordedChanges)
    ? undefined
    : normalisePaymentStatus(details.status)?.status;
  return movements.map((movement, index) => {
    const transition = statusAfter(
      current,
      movement.kind,
      reported,
      index === movements.length - 1,
    );
    const changeId = changeIdOf(details.reservationUuid, movement.identity);
    const detail: StatusChangedDetail = {
      schemaVersion: 2,
      eventId: eventIdOf(changeId),
      reservationId: seen.reservationId,
      reservationUuid: details.reservationUuid,
      status: movement.kind,
      previousStatus: current.status,
      currentStatus: transition.status,
      amount: movement.amount,
      reference: movement.reference,
      reservedAmount: details.reservedAmount,
      capturedAmount: details.capturedAmount,
      chargedAmount: details.chargedAmount,
      refundedAmount: sumAmounts([details.refundedFromCaptured, details.refundedFromCharge]),
      occurredAt: movement.occurredAt,
      orderCreatedAt: details.orderCreatedAt,
      receivedAt,
    };
    const record: StatusChangeRecord = {
      ...reservationKeys.statusChange(seen.reservationId, changeId),
      itemType: 'STATUS_CHANGE',
      changeId,
      identity: movement.identity,
      eventId: detail.eventId,
      reservationId: seen.reservationId,
      reservationUuid: details.reservationUuid,
      status: movement.kind,
      amount: movement.amount,
      reference: movement.reference,
      occurredAt: movement.occurredAt,
      receivedAt,
      previousStatus: current.status,
      currentStatus: transition.status,
      advanced: transition.advanced,
      reservationVersion: seen.version + index + 1,
      detail,
      outbox: PENDING_OUTBOX,
    };
    current = { status: transition.status, statusRank: transition.statusRank };
    return record;
  });
}

/** True when a capture, charge or end recorded before is missing from `details`. */
function isStale(details: ReservationDetails, recorded: ReadonlySet<string> | undefined): boolean {
  if (!recorded) return false;
  const shown = new Set(movementsOf(details).map((movement) => movement.identity));
  return [...recorded].some((identity) => !identity.startsWith('REFUNDED') && !shown.has(identity));
}

function rankAfter(records: readonly StatusChangeRecord[]): number {
  return rankOfStatus((records.at(-1) as StatusChangeRecord).currentStatus);
}

/** Another writer changed the reservation or recorded a change first, or is doing so now. */
function isLockContention(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'TransactionConflictException') return true;
  if (error.name !== 'TransactionCanceledException') return false;
  const reasons =
    (error as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? [];
  return reasons.some(
    (reason) => reason.Code === 'ConditionalCheckFailed' || reason.Code === 'TransactionConflict',
  );
}
