import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { UNCONFIRMED_CALLBACK, UNMATCHED_CALLBACK } from '#shared/callbacks/callback-inbox';
import type { StatusChangeRecord } from '#shared/callbacks/status-change-record';
import { COMMAND_STATES, type CommandRecord } from '#shared/commands/command-record';
import type { ReservationRecord } from '#shared/reservations/reservation-record';
import { applicableCommands, type ConsoleCommand } from './console-commands.ts';

/** One recorded status change, as the console shows it. */
export interface HistoryEntry {
  readonly status: string;
  readonly amount: number;
  /** Front Payment's CAP…/CHA… id of a capture or charge. */
  readonly reference: string | null;
  readonly occurredAt: string | null;
  readonly receivedAt: string;
  readonly previousStatus: string;
  readonly currentStatus: string;
  /** True when it moved the reservation's status. */
  readonly advanced: boolean;
  readonly eventId: string;
  /** True while the event still waits for EventBridge (outbox marker set). */
  readonly eventPending: boolean;
  readonly publishedAt: string | null;
}

/** A command whose outcome is not settled yet, or that stays unknown for an operator. */
export interface StuckCommandView {
  readonly command: string;
  readonly state: string;
  readonly amount: number | null;
  readonly requestedAt: string;
  readonly reason: string | null;
  readonly message: string | null;
  /** Still watched (the reconciler settles it); false: an operator must decide. */
  readonly watched: boolean;
}

export interface ReservationView {
  readonly reservationId: string;
  readonly frontPaymentUuid: string | null;
  readonly status: string;
  readonly grandTotal: number;
  readonly referenceNo: string | null;
  readonly preferredPaymentMethod: string;
  readonly paymentUrl: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly failure: { readonly reason: string; readonly message: string } | null;
  readonly totals: {
    readonly reserved: number;
    readonly captured: number;
    readonly charged: number;
    readonly refunded: number;
  };
  /** Oldest first. */
  readonly history: readonly HistoryEntry[];
  /** Commands still SENDING or OUTCOME_UNKNOWN, oldest first. */
  readonly stuckCommands: readonly StuckCommandView[];
  /** The buttons the console offers: only the commands that can apply. */
  readonly commands: readonly ConsoleCommand[];
}

/** A kept callback not confirmed yet (no matching reservation, or details not read yet). */
export interface UnmatchedCallbackView {
  readonly orderUuid: string;
  readonly status: string;
  readonly rawStatus: string;
  readonly amount: number;
  readonly lastReceivedAt: string;
  /** Tries to confirm it so far (the callback's own and the sweeper's). */
  readonly tries: number;
  /** True once the sweeper gave up matching it (`MAX_UNMATCHED_TRIES`): an operator's case. */
  readonly setAside: boolean;
}

export interface ConsoleReservations {
  /** Newest first. */
  readonly reservations: readonly ReservationView[];
  readonly unmatchedCallbacks: readonly UnmatchedCallbackView[];
}

/**
 * Reads every reservation with its status history. A scan is fine for the local table (a few
 * hundred items at most); nothing in AWS reads this way.
 */
export async function readReservations(
  documents: DynamoDBDocumentClient,
  tableName: string,
): Promise<ConsoleReservations> {
  const items = await scanAll(documents, tableName);
  const reservations = new Map<string, ReservationRecord>();
  const changes = new Map<string, StatusChangeRecord[]>();
  const stuck = new Map<string, StuckCommandView[]>();
  const unmatched: UnmatchedCallbackView[] = [];
  for (const item of items) {
    const pk = String(item.pk);
    const sk = String(item.sk);
    if (pk.startsWith('RESERVATION#') && sk === 'RESERVATION') {
      reservations.set(pk, item as unknown as ReservationRecord);
    } else if (pk.startsWith('RESERVATION#') && item.itemType === 'STATUS_CHANGE') {
      const list = changes.get(pk) ?? [];
      list.push(item as unknown as StatusChangeRecord);
      changes.set(pk, list);
    } else if (pk.startsWith('RESERVATION#') && isStuckCommand(item)) {
      stuck.set(pk, [...(stuck.get(pk) ?? []), stuckCommandView(item as unknown as CommandRecord)]);
    } else if (
      item.itemType === 'CALLBACK' &&
      (item.outbox === UNCONFIRMED_CALLBACK || item.outbox === UNMATCHED_CALLBACK)
    ) {
      unmatched.push(unmatchedView(item));
    }
  }
  const views = [...reservations.entries()].map(([pk, record]) =>
    reservationView(
      record,
      changes.get(pk) ?? [],
      (stuck.get(pk) ?? []).sort((a, b) => a.requestedAt.localeCompare(b.requestedAt)),
    ),
  );
  views.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  unmatched.sort((a, b) => b.lastReceivedAt.localeCompare(a.lastReceivedAt));
  return { reservations: views, unmatchedCallbacks: unmatched };
}

async function scanAll(documents: DynamoDBDocumentClient, tableName: string) {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(
      new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey, ConsistentRead: true }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

function reservationView(
  record: ReservationRecord,
  changes: readonly StatusChangeRecord[],
  stuckCommands: readonly StuckCommandView[],
): ReservationView {
  // In the order they were recorded: one callback may record several changes at the same time.
  const history = [...changes]
    .sort((a, b) => a.reservationVersion - b.reservationVersion)
    .map(historyEntry);
  const sum = (status: string) =>
    history
      .filter((entry) => entry.status === status)
      .reduce((total, entry) => total + entry.amount, 0);
  // A duplicate RESERVED is recorded once (deduplicated), so the sum is the reserved amount.
  const totals = {
    reserved: sum('RESERVED'),
    captured: sum('CAPTURED'),
    charged: sum('CHARGED'),
    refunded: sum('REFUNDED'),
  };
  return {
    reservationId: record.reservationId,
    frontPaymentUuid: record.frontPaymentUuid ?? null,
    status: record.status,
    grandTotal: record.amounts?.grandTotal ?? 0,
    referenceNo: record.referenceNo ?? null,
    preferredPaymentMethod: record.preferredPaymentMethod,
    paymentUrl: record.paymentUrl ?? null,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    failure: record.failure
      ? { reason: record.failure.reason, message: record.failure.message }
      : null,
    totals,
    history,
    stuckCommands,
    commands: applicableCommands({ status: record.status, totals }),
  };
}

function isStuckCommand(item: Record<string, unknown>): boolean {
  return (
    item.itemType === 'COMMAND' &&
    (item.state === COMMAND_STATES.sending || item.state === COMMAND_STATES.outcomeUnknown)
  );
}

function stuckCommandView(record: CommandRecord): StuckCommandView {
  return {
    command: record.command,
    state: record.state,
    amount: record.amount ?? null,
    requestedAt: record.requestedAt,
    reason: record.failure?.reason ?? null,
    message: record.failure?.message ?? null,
    watched: record.openShard !== undefined,
  };
}

function historyEntry(change: StatusChangeRecord): HistoryEntry {
  return {
    status: change.status,
    amount: Number(change.amount),
    reference: change.reference ?? null,
    occurredAt: change.occurredAt ?? null,
    receivedAt: change.receivedAt,
    previousStatus: change.previousStatus,
    currentStatus: change.currentStatus,
    advanced: change.advanced,
    eventId: change.eventId,
    eventPending: change.outbox !== undefined,
    publishedAt: change.publishedAt ?? null,
  };
}

/** What the kept raw query says; shown only, never recorded (details are the truth). */
function unmatchedView(item: Record<string, unknown>): UnmatchedCallbackView {
  const query = new URLSearchParams(String(item.rawQueryString ?? ''));
  return {
    orderUuid: query.get('orderUuid') ?? String(item.reservationUuid ?? ''),
    status: (query.get('status') ?? '').toUpperCase(),
    rawStatus: query.get('status') ?? '',
    amount: Number(query.get('amount') ?? 0),
    lastReceivedAt: String(item.receivedAt ?? ''),
    tries: Number(item.attempts ?? 1),
    setAside: item.outbox === UNMATCHED_CALLBACK,
  };
}
