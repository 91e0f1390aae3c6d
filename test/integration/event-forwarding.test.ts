import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createCaptureDuePublisher } from '#shared/events/capture-due-event';
import { createEventPublisher } from '#shared/events/event-publisher';
import {
  DEFAULT_EVENT_SOURCE,
  type StatusChangedDetail,
} from '#shared/events/status-changed-event';
import {
  type RunningLocalEventBridge,
  startLocalEventBridge,
} from '../../infra/local/event-bridge-stand-in.ts';
import { defaultForwardPattern } from '../../infra/local/event-forwarding/default-forward-pattern.ts';
import {
  createEventForwarder,
  type EventForwarder,
} from '../../infra/local/event-forwarding/event-forwarder.ts';
import type { EventPattern } from '../../infra/local/event-forwarding/event-pattern.ts';
import { loadForwardTarget } from '../../infra/local/event-forwarding/forward-target.ts';
import { localAwsClientConfig } from '../../infra/local/local-aws.ts';
import { type RunningLocalStack, startLocalStack } from '../../infra/local/local-stack.ts';
import { createLocalStackClient } from '../../infra/local/local-stack-client.ts';
import { sampleReservationRequest } from '../../infra/local/sample-reservation.ts';

/** A consumer over HTTP: answers the statuses in `answers` in turn, then 200; keeps each body. */
interface Consumer {
  url: string;
  readonly bodies: Record<string, unknown>[];
  answers: number[];
  stop(): Promise<void>;
}

async function startConsumer(): Promise<Consumer> {
  const consumer: Consumer = { url: '', bodies: [], answers: [], stop: async () => {} };
  const server: Server = createServer(async (request, response) => {
    let text = '';
    for await (const chunk of request) text += chunk;
    consumer.bodies.push({ ...JSON.parse(text), contentType: request.headers['content-type'] });
    response.writeHead(consumer.answers.shift() ?? 200).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(consumer, {
    url: `http://127.0.0.1:${port}/hook`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

function statusDetail(status: StatusChangedDetail['status']): StatusChangedDetail {
  return {
    schemaVersion: 2,
    eventId: randomUUID(),
    reservationId: `r-${randomUUID().slice(0, 8)}`,
    reservationUuid: 'RES1',
    status,
    previousStatus: 'RESERVED',
    currentStatus: status,
    amount: 100,
    reference: null,
    reservedAmount: 100,
    capturedAmount: 0,
    chargedAmount: 0,
    refundedAmount: 0,
    occurredAt: null,
    orderCreatedAt: null,
    receivedAt: new Date().toISOString(),
  };
}

describe('forwarding the stand-in bus to consumers (real SDK client over HTTP)', () => {
  let consumer: Consumer;
  let folder: string;
  let bridge: RunningLocalEventBridge;
  let client: EventBridgeClient;
  let forwarder: EventForwarder;
  let handlerLog: string;

  /** Starts a stand-in whose events go to the consumer and a handler file, with `pattern`. */
  async function startBus(pattern: EventPattern, handlerSource: string) {
    const file = join(folder, `consumer-${randomUUID().slice(0, 8)}.mjs`);
    await writeFile(file, handlerSource);
    forwarder = createEventForwarder({
      targets: [
        await loadForwardTarget(consumer.url, folder),
        await loadForwardTarget(`./${file.split('/').at(-1)}#onEvent`, folder),
      ],
      pattern,
      region: 'eu-north-1',
      baseDelayMs: 10,
    });
    bridge = await startLocalEventBridge({ onEvent: (event) => forwarder.forward(event) });
    client = new EventBridgeClient({ ...localAwsClientConfig, endpoint: bridge.url });
  }

  const publisher = () =>
    createEventPublisher({ client, eventBusName: 'local-bus', source: DEFAULT_EVENT_SOURCE });

  beforeAll(async () => {
    consumer = await startConsumer();
    folder = await mkdtemp(join(tmpdir(), 'forward-'));
    handlerLog = join(folder, 'handled.jsonl');
  });
  afterEach(async () => {
    client.destroy();
    await bridge.stop();
    consumer.bodies.length = 0;
    consumer.answers = [];
  });
  afterAll(async () => {
    await consumer.stop();
    await rm(folder, { recursive: true, force: true });
  });

  const appendingHandler = (log: string) => `
import { appendFile } from 'node:fs/promises';
export async function onEvent(event, context) {
  await appendFile(${JSON.stringify(log)}, JSON.stringify({ event, functionName: context.functionName }) + '\\n');
}`;

  it('POSTs the EventBridge envelope, retries after a 500, and calls the handler file', async () => {
    await startBus(defaultForwardPattern(DEFAULT_EVENT_SOURCE), appendingHandler(handlerLog));
    consumer.answers = [500];
    const detail = statusDetail('CAPTURED');

    const result = await publisher().publish([detail]);
    await forwarder.settled();

    expect(result.published).toEqual([detail.eventId]);
    const [first, second] = consumer.bodies;
    expect(consumer.bodies).toHaveLength(2);
    expect(second).toEqual(first);
    expect(first).toMatchObject({
      version: '0',
      id: bridge.events[0]?.eventId,
      'detail-type': 'Reservation Status Changed',
      source: DEFAULT_EVENT_SOURCE,
      account: '000000000000',
      region: 'eu-north-1',
      detail,
      contentType: 'application/json',
    });
    expect(first?.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const handled = (await readFile(handlerLog, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const { contentType: _, ...envelope } = first ?? {};
    expect(handled).toEqual([
      { event: envelope, functionName: expect.stringMatching(/-onEvent$/) },
    ]);
    const deliveries = forwarder.deliveries();
    expect(deliveries).toHaveLength(2);
    expect(deliveries.find((d) => d.target === consumer.url)).toMatchObject({
      eventId: detail.eventId,
      detailType: 'Reservation Status Changed',
      what: 'CAPTURED',
      delivered: true,
      result: '200',
      attempts: 2,
    });
    expect(deliveries.find((d) => d.target !== consumer.url)).toMatchObject({
      delivered: true,
      result: 'ok',
      attempts: 1,
    });
  });

  it('gives up after the bounded tries, and records a handler that throws as failed', async () => {
    await startBus(
      defaultForwardPattern(DEFAULT_EVENT_SOURCE),
      'export async function onEvent() { throw new Error("consumer broke"); }',
    );
    consumer.answers = [500, 503, 502, 500];

    await publisher().publish([statusDetail('CHARGED')]);
    await forwarder.settled();

    expect(consumer.bodies).toHaveLength(3);
    const deliveries = forwarder.deliveries();
    expect(deliveries.find((d) => d.target === consumer.url)).toMatchObject({
      delivered: false,
      result: '502',
      attempts: 3,
    });
    expect(deliveries.find((d) => d.target !== consumer.url)).toMatchObject({
      delivered: false,
      result: 'Error: consumer broke',
      attempts: 3,
    });
  });

  it('applies the pattern: the default takes status events only, a narrower one fewer statuses', async () => {
    const log = join(folder, `narrow-${randomUUID().slice(0, 8)}.jsonl`);
    await startBus(
      { 'detail-type': ['Reservation Status Changed'], detail: { status: ['REFUNDED'] } },
      appendingHandler(log),
    );
    const warn = createCaptureDuePublisher({
      client,
      eventBusName: 'local-bus',
      source: DEFAULT_EVENT_SOURCE,
    });

    await publisher().publish([statusDetail('CAPTURED'), statusDetail('REFUNDED')]);
    await warn({
      schemaVersion: 1,
      eventId: randomUUID(),
      reservationId: 'r-1',
      reservationUuid: 'RES1',
      deadline: 'capture-window',
      dueAt: new Date().toISOString(),
      reservedAt: new Date().toISOString(),
      reservedAmount: 1,
      capturedAmount: 0,
      chargedAmount: 0,
    });
    await forwarder.settled();

    expect(bridge.events).toHaveLength(3);
    expect(consumer.bodies.map((body) => (body.detail as { status: string }).status)).toEqual([
      'REFUNDED',
    ]);
    expect((await readFile(log, 'utf8')).trim().split('\n')).toHaveLength(1);
  });
});

describe('loadForwardTarget', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'forward-'));
  });
  afterAll(() => rm(folder, { recursive: true, force: true }));

  it('a wrong handler path or export fails at start, naming it', async () => {
    await writeFile(join(folder, 'no-export.mjs'), 'export const other = 1;');
    await expect(loadForwardTarget('./no-export.mjs#handler', folder)).rejects.toThrow(
      /no-export\.mjs exports no function named handler/,
    );
    await expect(loadForwardTarget('./missing.mjs', folder)).rejects.toThrow(
      /FORWARD_EVENTS_TO: cannot import .*missing\.mjs/,
    );
  });
});

describe('npm run fire against the local stack', () => {
  let stack: RunningLocalStack;
  let consumer: Consumer;

  beforeAll(async () => {
    consumer = await startConsumer();
    stack = await startLocalStack({
      port: 0,
      eventBridgePort: 0,
      sandboxPort: 0,
      logLevel: 'SILENT',
      tableNames: { reservations: `reservations-fire-${randomUUID().slice(0, 8)}` },
      publishPendingIntervalMs: 0,
      reconcileIntervalMs: 0,
      dynamoDbEndpoint: inject('dynamoDbEndpoint'),
      forwardEventsTo: [consumer.url],
      forwardRetryBaseMs: 10,
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await consumer?.stop();
  });

  const fire = (...args: string[]) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', 'infra/local/fire.ts', ...args], {
      env: { ...process.env, API_URL: stack.urls.api },
    });

  it('puts the chosen event for a reservation on the bus, built by the product, and it is forwarded', async () => {
    const client = createLocalStackClient({
      apiUrl: stack.urls.api,
      frontPaymentToken: 'local-sandbox-token',
    });
    const created = await client.createReservation(
      sampleReservationRequest({ returnBaseUrl: stack.urls.api, referenceNo: 'FIRE-1' }),
      randomUUID(),
    );

    const { stdout } = await fire(created.reservationId, 'captured');
    await fire(created.reservationId, 'capture-due');
    await stack.forwarder.settled();

    expect(stdout).toContain(`Fired Reservation Status Changed`);
    expect(stack.eventBridge.events.map((event) => event.detailType)).toEqual([
      'Reservation Status Changed',
      'Reservation Capture Due',
    ]);
    // The default pattern is onStatus's: the capture-due warning stays on the bus.
    expect(consumer.bodies).toHaveLength(1);
    expect(consumer.bodies[0]).toMatchObject({
      source: DEFAULT_EVENT_SOURCE,
      detail: {
        schemaVersion: 2,
        reservationId: created.reservationId,
        reservationUuid: created.reservationUuid,
        status: 'CAPTURED',
        previousStatus: 'SESSION_CREATED',
        currentStatus: 'CAPTURED',
        amount: 1370,
        reference: expect.stringMatching(/^CAP[0-9A-F]{12}$/),
      },
    });
    expect(stack.eventBridge.events[1]?.detail).toMatchObject({
      schemaVersion: 1,
      reservationId: created.reservationId,
      deadline: 'capture-window',
    });
    const listed = (await fetch(`${stack.urls.console}deliveries`).then((r) => r.json())) as {
      deliveries: unknown[];
    };
    expect(listed.deliveries).toMatchObject([
      { target: consumer.url, what: 'CAPTURED', delivered: true, attempts: 1 },
    ]);
    // The console lists every event type readably: what it says, not a grey "?".
    const events = (await fetch(`${stack.urls.console}events`).then((r) => r.json())) as {
      events: { summary: unknown }[];
    };
    expect(events.events.map((event) => event.summary)).toEqual([
      {
        type: 'Reservation Status Changed',
        reservationId: created.reservationId,
        reservationUuid: created.reservationUuid,
        label: 'CAPTURED',
        says: 'CAPTURED 1370.00 NOK',
        amount: 1370,
      },
      {
        type: 'Reservation Capture Due',
        reservationId: created.reservationId,
        reservationUuid: created.reservationUuid,
        label: 'capture-window',
        says: expect.stringMatching(/^capture-window ends \d{4}-\d\d-\d\dT.*Z$/),
        amount: null,
      },
    ]);
    // Nothing was stored: the reservation is as it was.
    expect((await client.reservation(created.reservationId))?.status).toBe('SESSION_CREATED');
  });

  it('refuses an unknown event or reservation, naming the field, and exits non-zero', async () => {
    const unknownEvent = fire('any', 'paid-twice');
    await expect(unknownEvent).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining(
        '400: event: unknown "paid-twice"; one of reserved, captured',
      ),
    });
    await expect(fire('no-such-reservation', 'expired')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('404: reservationId: no reservation no-such-reservation'),
    });
  });
});
