import { createHmac } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { parseCommandRequest } from '#shared/commands/command-request';
import { STATUS_CHANGED_DETAIL_TYPE } from '#shared/events/status-changed-event';
import { canonicalJson } from '#shared/reservations/request-fingerprint';
import { reservationKeys } from '#shared/reservations/table-design';
import type { CommandRequest, RaceParts, RacingReservation } from './money-race-driver.ts';
import { requestTagOf } from './money-race-driver.ts';
import type {
  BusEvent,
  CommandPost,
  FrontPaymentTruth,
  RaceReservation,
  RecordedCommand,
} from './money-race-invariants.ts';
import type { MoneyCommand } from './money-race-plan.ts';

const CONNECT = '/api/v1/connect/reservations';

/**
 * Everything the invariants compare, read after the race settled: Front Payment's truth through
 * its API (details for captures and charges, history for refunds, which details only sum), the
 * events the bus received, our commands as `GET /reservations/{id}` lists them, and the command
 * POSTs that reached Front Payment as the wire saw them.
 */
export async function observeRace(
  reservations: readonly RacingReservation[],
  requests: readonly CommandRequest[],
  parts: RaceParts,
  frontPaymentToken: string,
  since: Date,
): Promise<RaceReservation[]> {
  const history = await readHistory(parts.sandbox.url, frontPaymentToken, since);
  return Promise.all(
    reservations.map(async (reservation) => ({
      ...reservation,
      truth: {
        ...(await readDetails(parts.sandbox.url, frontPaymentToken, reservation.reservationUuid)),
        refunds: history
          .filter((entry) => entry.uuid === reservation.reservationUuid)
          .flatMap(refundOf),
      },
      events: busEvents(parts, reservation.reservationUuid),
      commands: await readCommands(parts, reservation.reservationId, requests),
      posts: commandPosts(parts, reservation.reservationUuid),
    })),
  );
}

interface HistoryEntry {
  readonly uuid: string;
  readonly title: string;
  readonly amount: string;
}

async function frontPaymentGet<T>(baseUrl: string, token: string, path: string): Promise<T> {
  const response = await fetch(`${baseUrl}${CONNECT}/${path}`, {
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
  });
  if (!response.ok) throw new Error(`Front Payment's ${path} answered ${response.status}`);
  return ((await response.json()) as { data: T }).data;
}

async function readHistory(baseUrl: string, token: string, since: Date): Promise<HistoryEntry[]> {
  const start = Math.floor(since.getTime() / 1000) - 60;
  const end = Math.floor(Date.now() / 1000) + 60;
  return frontPaymentGet<HistoryEntry[]>(baseUrl, token, `history/${start}/${end}`);
}

function refundOf(entry: HistoryEntry): FrontPaymentTruth['refunds'] {
  if (entry.title === 'refund-sent-from-captured') {
    return [{ source: 'captured', amount: Number(entry.amount) }];
  }
  if (entry.title === 'refund-sent-from-charged') {
    return [{ source: 'charged', amount: Number(entry.amount) }];
  }
  return [];
}

interface Payment {
  readonly reference: string;
  readonly amount: number;
}

async function readDetails(
  baseUrl: string,
  token: string,
  reservationUuid: string,
): Promise<Omit<FrontPaymentTruth, 'refunds'>> {
  const details = await frontPaymentGet<{
    paymentDetails: { reservedAmount: number };
    paymentHistory: { captured: Payment[]; charged: Payment[] };
  }>(baseUrl, token, `details/${reservationUuid}`);
  const payments = (list: readonly Payment[]) =>
    list.map(({ reference, amount }) => ({ reference, amount }));
  return {
    reservationUuid,
    reserved: details.paymentDetails.reservedAmount > 0,
    captures: payments(details.paymentHistory.captured),
    charges: payments(details.paymentHistory.charged),
  };
}

function busEvents(parts: RaceParts, reservationUuid: string): BusEvent[] {
  return parts.bridge.events
    .filter((event) => event.detailType === STATUS_CHANGED_DETAIL_TYPE)
    .map((event) => event.detail as BusEvent)
    .filter((detail) => detail.reservationUuid === reservationUuid)
    .map(({ eventId, status, amount, reference }) => ({
      eventId,
      reservationUuid,
      status,
      amount,
      reference,
    }));
}

/**
 * Our commands as `GET /reservations/{id}` answers them, each with the race request it records:
 * the command item keeps an HMAC of the validated body keyed with the Idempotency-Key, so the
 * request whose HMAC it is names it.
 */
async function readCommands(
  parts: RaceParts,
  reservationId: string,
  requests: readonly CommandRequest[],
): Promise<RecordedCommand[]> {
  const response = await fetch(`${parts.apiUrl}/reservations/${reservationId}`);
  const body = (await response.json()) as { commands?: Omit<RecordedCommand, 'request'>[] };
  if (!response.ok || !body.commands) {
    throw new Error(`GET /reservations/${reservationId} answered ${response.status}`);
  }
  const { pk } = reservationKeys.reservation(reservationId);
  const { Items = [] } = await parts.documents.send(
    new QueryCommand({
      TableName: parts.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :command)',
      ExpressionAttributeValues: { ':pk': pk, ':command': 'COMMAND#' },
      ConsistentRead: true,
    }),
  );
  const keyByHash = new Map(
    requests
      .filter((request) => request.reservation.reservationId === reservationId)
      .map((request) => [requestHashOf(request), request.key]),
  );
  const hashById = new Map(Items.map((item) => [item.commandId, item.requestHash]));
  return body.commands.map((command) => ({
    ...command,
    request: keyByHash.get(hashById.get(command.commandId)),
  }));
}

function requestHashOf(request: CommandRequest): string {
  const parsed = parseCommandRequest(request.command, request.body, ALLOWED_TAX_RATES);
  return createHmac('sha256', request.key).update(canonicalJson(parsed)).digest('hex');
}

/** The reservation-commands function's default ALLOWED_TAX_RATES (the race charges at 0 %). */
const ALLOWED_TAX_RATES = [0, 12, 15, 25];

const COMMAND_POST = /^\/api\/v1\/connect\/reservations\/(capture|charge|refund)\/([^/?]+)$/;

function commandPosts(parts: RaceParts, reservationUuid: string): CommandPost[] {
  return parts.frontPaymentWire.exchanges.flatMap((exchange): CommandPost[] => {
    const match = COMMAND_POST.exec(exchange.path);
    if (exchange.method !== 'POST' || !exchange.forwarded || match?.[2] !== reservationUuid) {
      return [];
    }
    const body = parseJson(exchange.body) as { grandTotal?: unknown };
    const answer = parseJson(exchange.serviceBody ?? '') as { data?: { uuid?: unknown } };
    return [
      {
        command: match[1] as MoneyCommand,
        reservationUuid,
        serviceStatus: exchange.serviceStatus,
        reference: typeof answer?.data?.uuid === 'string' ? answer.data.uuid : undefined,
        amount: Number(body?.grandTotal),
        requestTag: requestTagOf(body),
      },
    ];
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
