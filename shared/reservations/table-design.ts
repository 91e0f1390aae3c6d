/**
 * The one description of our DynamoDB tables. The CDK construct and the local stack both build
 * their tables from it, so keys and indexes are written once.
 */

/**
 * Reservations, their status history and the outbox of status events share one table. The
 * reservation item is also the record of its `Idempotency-Key` (no table of its own).
 */
export const reservationsTableDesign = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLiveAttribute: 'expiresAt',
  indexes: {
    /**
     * Callbacks on the old path name a reservation only by Front Payment's uuid. Sparse: only the
     * reservation item carries `frontPaymentUuid`; status changes and kept callbacks store the same
     * uuid as `reservationUuid`, so they never enter this index.
     */
    byFrontPaymentUuid: { name: 'by-front-payment-uuid', partitionKey: 'frontPaymentUuid' },
    /** Sparse: only status changes whose event is not yet on EventBridge carry `outbox`. */
    pendingEvents: { name: 'pending-events', partitionKey: 'outbox', sortKey: 'receivedAt' },
    /**
     * Kept callbacks by when their next confirmation try is due (epoch ms, a Number), so the
     * sweeper lists only what is due. Sparse: only an unconfirmed callback carries both
     * `outbox` and `nextAttemptAt`; one set aside (docs/callbacks.md) loses `nextAttemptAt`.
     */
    dueCallbacks: {
      name: 'due-callbacks',
      partitionKey: 'outbox',
      sortKey: 'nextAttemptAt',
      sortKeyType: 'N',
    },
    /**
     * Reservations that are not final, for the reconciler (docs/reconciler.md). Sparse: only a
     * reservation item that is not final carries `openShard` (`OPEN#0`…`OPEN#7`, from a hash of
     * its id, so no partition is hot); the sort key is when it is due to be checked next.
     */
    openReservations: {
      name: 'open-reservations',
      partitionKey: 'openShard',
      sortKey: 'nextCheckAt',
    },
    /**
     * `GET /reservations?referenceNo=` (docs/lookups.md): the merchant's own order reference,
     * newest first. Sparse: only a reservation item carries `referenceNo`, and only when given.
     * Not unique: a merchant may reuse a reference.
     */
    byReferenceNo: { name: 'by-reference-no', partitionKey: 'referenceNo', sortKey: 'createdAt' },
    /**
     * `GET /reservations` (docs/lookups.md): every reservation by creation time. Only a
     * reservation item carries `createdShard` (`CREATED#0`…`CREATED#7`, from a hash of its id),
     * so new reservations spread over eight partitions instead of one hot one; a page merges them.
     */
    recentReservations: {
      name: 'recent-reservations',
      partitionKey: 'createdShard',
      sortKey: 'createdAt',
    },
  },
} as const;

/** One global secondary index of the reservations table. */
export type IndexDesign =
  (typeof reservationsTableDesign.indexes)[keyof typeof reservationsTableDesign.indexes];

/** An index's sort key with its DynamoDB type (a string unless the design says a number). */
export function sortKeyOf(
  index: IndexDesign,
): { readonly name: string; readonly type: 'S' | 'N' } | undefined {
  if (!('sortKey' in index)) return undefined;
  return { name: index.sortKey, type: 'sortKeyType' in index ? index.sortKeyType : 'S' };
}

/** Item keys, built in one place so no module spells them by hand. */
export const reservationKeys = {
  reservation: (reservationId: string) => ({
    pk: `RESERVATION#${reservationId}`,
    sk: 'RESERVATION',
  }),
  statusChange: (reservationId: string, changeId: string) => ({
    pk: `RESERVATION#${reservationId}`,
    sk: `CHANGE#${changeId}`,
  }),
  /** A command (capture, refund, …) and the record of its `Idempotency-Key`. */
  command: (reservationId: string, commandId: string) => ({
    pk: `RESERVATION#${reservationId}`,
    sk: `COMMAND#${commandId}`,
  }),
  /** The claim of one Front Payment payment (CAP…/CHA…) by one command: at most one per reference. */
  referenceClaim: (reservationId: string, reference: string) => ({
    pk: `RESERVATION#${reservationId}`,
    sk: `CLAIM#${reference}`,
  }),
} as const;

/** The value of `outbox` on a status change whose event still waits for EventBridge. */
export const PENDING_OUTBOX = 'PENDING';
