import { randomUUID } from 'node:crypto';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { reservationKeys } from '#shared/reservations/table-design';
import { callsOf, PATH_CALLS, type PathStep } from '../../infra/docs/path-calls.ts';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local.ts';
import { findFreePort } from '../../infra/local/free-port.ts';
import { validReservationRequest } from '../support/reservation-requests.ts';
import { type Created, startWarmPaths, type WarmPaths } from '../support/warm-paths.ts';
import { interleavedMedians } from './measure.ts';

const CHARGE = {
  products: [{ name: 'Minibar', rate: 400, tax: 25, amount: 500 }],
  grandTotal: 500,
};

/** One warm path measured against its floor. */
interface WarmCase {
  readonly what: string;
  /** The path's documented calls (infra/docs/path-calls.ts), its design minimum. */
  readonly documented: readonly PathStep[];
  readonly ours: () => Promise<unknown>;
  readonly prepare?: () => Promise<unknown>;
  readonly after?: () => Promise<unknown>;
}

/**
 * Warm per-request latency of the HTTP functions, in process, against DynamoDB Local, the local
 * EventBridge and the sandbox (test/support/warm-paths.ts). Each path's floor makes the calls the
 * path was counted making on the wire, in the same order, with bare SDK clients and fetch through
 * the same counting proxies; the two are measured in turns within one run. The ratio is what our
 * code adds to its own I/O; how many calls a path makes is held by warm-path-calls.test.ts.
 */
export async function benchRequests(times: number): Promise<void> {
  const dynamoDb = await startDynamoDbLocal({ port: await findFreePort() });
  const paths = await startWarmPaths({ dynamoDbEndpoint: dynamoDb.endpoint });
  try {
    const floorCalls = rawCalls(paths, await reserved(paths));
    const floorOf = (calls: readonly string[]) => async () => {
      for (const call of calls) await floorCalls(call);
    };
    const charged = await reserved(paths);
    const called = await reserved(paths);
    const read = await reserved(paths);
    const replayKey = randomUUID();
    await paths.create(replayKey);
    const duplicate = paths.signedCallback(called.reservationUuid, 'RESERVED');
    await paths.deliver(duplicate, called.reservationId);
    const cases: WarmCase[] = [
      {
        what: 'create, new Idempotency-Key',
        documented: PATH_CALLS.create['create, new Idempotency-Key'],
        ours: () => paths.create(randomUUID()),
      },
      {
        what: 'create, replayed Idempotency-Key',
        documented: PATH_CALLS.create['create, replayed Idempotency-Key'],
        ours: () => paths.create(replayKey),
      },
      {
        what: 'GET /reservations/{id}',
        documented: PATH_CALLS.commands['GET /reservations/{id}'],
        ours: () => paths.read(read.reservationId),
      },
      {
        what: 'charge',
        documented: PATH_CALLS.commands.charge,
        ours: () => paths.command(charged.reservationId, 'charge', CHARGE),
        // Its callback, untimed: the next charge starts from the usual state, all recorded.
        after: () =>
          paths.deliver(
            paths.signedCallback(charged.reservationUuid, 'CHARGED'),
            charged.reservationId,
          ),
      },
      {
        what: 'callback: new charge, path with our id',
        documented: PATH_CALLS.callback['new charge, path with our id'],
        prepare: () => paths.sandbox.charge(called.reservationUuid, 1),
        ours: () =>
          paths.deliver(
            paths.signedCallback(called.reservationUuid, 'CHARGED'),
            called.reservationId,
          ),
      },
      {
        what: 'callback: identical delivery again',
        documented: PATH_CALLS.callback['the identical delivery again, within the minute'],
        ours: () => paths.deliver(duplicate, called.reservationId),
      },
    ];

    const rows: string[][] = [];
    for (const item of cases) {
      // Counted on the wire once: the floor makes exactly these calls, raw.
      await item.prepare?.();
      const counted = await paths.callsOf(item.ours);
      await item.after?.();
      // The documented list is the design minimum; a path that makes more calls is measured
      // against it too (before a cut, say), in the same turns.
      const minimum = callsOf(item.documented);
      const extra = counted.join() !== minimum.join();
      const medians = await interleavedMedians(
        times,
        {
          ours: item.ours,
          floor: floorOf(counted),
          ...(extra ? { minimum: floorOf(minimum) } : {}),
        },
        item,
      );
      const { ours = Number.NaN, floor = Number.NaN } = medians;
      rows.push([
        item.what,
        String(counted.length),
        `${ours.toFixed(2)} ms`,
        `${floor.toFixed(2)} ms`,
        `${(ours / floor).toFixed(2)}x`,
        extra
          ? `${minimum.length} calls: ${(ours / (medians.minimum ?? Number.NaN)).toFixed(2)}x`
          : 'the same',
      ]);
    }
    printTable(
      [
        'path',
        'calls',
        'ours (median)',
        'floor (median)',
        'ours vs floor',
        'vs documented minimum',
      ],
      rows,
    );
  } finally {
    await paths.stop();
    await dynamoDb.stop();
  }
}

/** Paid, and its payment callback recorded: where a warm command starts from. */
async function reserved(paths: WarmPaths): Promise<Created> {
  const created = await paths.paidReservation();
  await paths.deliver(
    paths.signedCallback(created.reservationUuid, 'RESERVED'),
    created.reservationId,
  );
  return created;
}

/**
 * The floor's calls by name: bare SDK commands and fetch, on a reservation of its own (the
 * floor's charges must not show up in the details our paths read).
 */
function rawCalls(paths: WarmPaths, own: Created) {
  const { documents, events, tableName, eventBus, frontPayment } = paths.raw;
  const reservationKey = reservationKeys.reservation(own.reservationId);
  const scratch = () => ({ pk: `FLOOR#${randomUUID()}`, sk: 'FLOOR' });
  const createBody = (() => {
    const request = validReservationRequest();
    return { ...request, products: { '0': request.products[0], '1': request.products[1] } };
  })();
  const calls: Record<string, () => Promise<unknown>> = {
    'DynamoDB GetItem': () =>
      documents.send(
        new GetCommand({ TableName: tableName, Key: reservationKey, ConsistentRead: true }),
      ),
    'DynamoDB PutItem': () =>
      documents.send(new PutCommand({ TableName: tableName, Item: scratch() })),
    'DynamoDB UpdateItem': () =>
      documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: scratch(),
          UpdateExpression: 'SET n = :n',
          ExpressionAttributeValues: { ':n': 1 },
        }),
      ),
    'DynamoDB Query': () =>
      documents.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': reservationKey.pk },
          ConsistentRead: true,
        }),
      ),
    'DynamoDB TransactWriteItems': () =>
      documents.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: tableName, Item: scratch() } },
            { Put: { TableName: tableName, Item: scratch() } },
          ],
        }),
      ),
    'EventBridge PutEvents': () =>
      events.send(
        new PutEventsCommand({
          Entries: [{ EventBusName: eventBus, Source: 'floor', DetailType: 'floor', Detail: '{}' }],
        }),
      ),
    'Front Payment create': () => frontPayment('create', createBody),
    'Front Payment details': () => frontPayment(`details/${own.reservationUuid}`),
    'Front Payment charge': () =>
      frontPayment(`charge/${own.reservationUuid}`, {
        products: { '0': { ...CHARGE.products[0], tax: '25' } },
        grandTotal: CHARGE.grandTotal,
      }),
  };
  return (name: string) => {
    const call = calls[name];
    if (!call) throw new Error(`The floor has no raw call "${name}"`);
    return call();
  };
}

function printTable(headers: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (row: readonly string[]) =>
    `| ${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  console.log(
    [line(headers), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n'),
  );
}
