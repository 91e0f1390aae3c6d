import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { reservationKeys } from '#shared/reservations/table-design';
import {
  CALLBACK_RESERVATION_ROUTE,
  CALLBACK_ROUTE,
  CALLBACK_TIMEOUT,
  CREATE_RESERVATION_ROUTE,
  CREATE_SESSION_TIMEOUT,
  PUBLISH_PENDING_TIMEOUT,
  RECONCILE_TIMEOUT,
  RESERVATION_COMMANDS_TIMEOUT,
} from '../../infra/front-payment-reservations.ts';
import { CALLBACK_PATH } from '../../infra/local/callback-path.ts';
import { FUNCTION_TIMEOUTS_MS } from '../../infra/local/local-functions.ts';
import { type RunningLocalStack, startLocalStack } from '../../infra/local/local-stack.ts';
import { createLocalStackClient } from '../../infra/local/local-stack-client.ts';
import { sampleReservationRequest } from '../../infra/local/sample-reservation.ts';
import { LocalStackStartupError, PortInUseError } from '../../infra/local/startup-errors.ts';
import { committedOpenApiText } from '../../infra/openapi/openapi-file.ts';

const suffix = randomUUID().slice(0, 8);
const stackOptions = {
  port: 0,
  eventBridgePort: 0,
  sandboxPort: 0,
  logLevel: 'SILENT',
  // The suite's DynamoDB Local, with tables of this file's own.
  tableNames: { reservations: `reservations-${suffix}` },
  publishPendingIntervalMs: 500,
  // Run by the test (reconcileNow), so no scheduled run races it.
  reconcileIntervalMs: 0,
} as const;

let stack: RunningLocalStack;
let client: ReturnType<typeof createLocalStackClient>;

beforeAll(async () => {
  stack = await startLocalStack({ ...stackOptions, dynamoDbEndpoint: inject('dynamoDbEndpoint') });
  client = createLocalStackClient({
    apiUrl: stack.urls.api,
    frontPaymentToken: 'local-sandbox-token',
  });
});

afterAll(() => stack?.stop());

async function createReservation(referenceNo: string) {
  return client.createReservation(
    sampleReservationRequest({ returnBaseUrl: stack.urls.api, referenceNo }),
    randomUUID(),
  );
}

describe('startLocalStack', () => {
  it('creates a reservation through the real handler over HTTP; a retry with the same key is a replay', async () => {
    const body = sampleReservationRequest({ returnBaseUrl: stack.urls.api, referenceNo: 'IT-1' });
    const post = () =>
      fetch(`${stack.urls.api}/reservations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': `it-${suffix}` },
        body: JSON.stringify(body),
      });

    const first = await post();
    const again = await post();

    expect(first.status).toBe(201);
    const created = (await first.json()) as { reservationId: string; paymentUrl: string };
    expect(created.paymentUrl).toMatch(new RegExp(`^${stack.urls.sandbox}/checkout/RES\\d+$`));
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(((await again.json()) as { reservationId: string }).reservationId).toBe(
      created.reservationId,
    );
    const listed = await client.reservation(created.reservationId);
    expect(listed).toMatchObject({
      status: 'SESSION_CREATED',
      grandTotal: 1370,
      referenceNo: 'IT-1',
      history: [],
    });
  });

  it("delivers the sandbox's signed callbacks to the real callback handler; the console JSON shows history and events", async () => {
    const created = await createReservation('IT-2');
    // create-session gave Front Payment a callback URL with our id as its last path segment.
    const atSandbox = stack.sandbox
      ?.reservations()
      .find((item) => item.reservationUuid === created.reservationUuid);
    expect(atSandbox?.callbackUrl).toBe(
      `${stack.urls.api}${CALLBACK_PATH}/${created.reservationId}`,
    );
    stack.sandbox?.setQuirks({ misspellReserved: true });
    try {
      await stack.sandbox?.pay(created.reservationUuid, 'mastercard');
    } finally {
      stack.sandbox?.setQuirks({ misspellReserved: false });
    }

    const reservation = await client.reservation(created.reservationId);
    expect(reservation?.status).toBe('RESERVED');
    expect(reservation?.history).toMatchObject([
      { status: 'RESERVED', amount: 1370, reference: null, eventPending: false },
    ]);
    const events = (await client.events()).filter(
      (event) =>
        (event.detail as { reservationUuid: string }).reservationUuid === created.reservationUuid,
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      eventBusName: stack.eventBusName,
      source: 'frontpayment.reservations',
      detailType: 'Reservation Status Changed',
      detail: { status: 'RESERVED', eventId: reservation?.history[0]?.eventId },
    });
  });

  it('refuses a callback with a wrong checksum and records nothing', async () => {
    const created = await createReservation('IT-3');
    const query = `orderUuid=${created.reservationUuid}&status=RESERVED&createdAt=1767225600&paymentMethod=Visa&amount=1370&timestamp=1767225600&checksum=${'0'.repeat(64)}`;

    const response = await fetch(`${stack.urls.api}/callbacks/front-payment?${query}`);

    expect(response.status).toBe(403);
    expect((await client.reservation(created.reservationId))?.status).toBe('SESSION_CREATED');
  });

  it('keeps an event EventBridge refused pending until the scheduled sweeper publishes it', async () => {
    const created = await createReservation('IT-4');
    // EventBridge is down while the callback arrives, whatever the publisher's retries.
    stack.eventBridge.failNextRequests(1_000, 500);
    try {
      await stack.sandbox?.pay(created.reservationUuid, 'visa');
      const pending = await client.reservation(created.reservationId);
      expect(pending?.history).toMatchObject([{ status: 'RESERVED', eventPending: true }]);
    } finally {
      stack.eventBridge.failNextRequests(0);
    }

    const published = await client.waitForReservation(
      created.reservationId,
      (reservation) => reservation.history.every((entry) => !entry.eventPending),
      'the sweeper to publish the pending event',
      25_000,
    );
    const eventId = published.history[0]?.eventId;
    const events = await client.events();
    expect(
      events.filter((event) => (event.detail as { eventId: string }).eventId === eventId),
    ).toHaveLength(1);
  }, 40_000);

  it('finds a change whose callback never came with the reconciler; the console lists the run', async () => {
    const created = await createReservation('IT-R');
    stack.sandbox?.setQuirks({ dropCallbacks: true });
    try {
      await stack.sandbox?.pay(created.reservationUuid, 'visa');
    } finally {
      stack.sandbox?.setQuirks({ dropCallbacks: false });
    }
    expect((await client.reservation(created.reservationId))?.status).toBe('SESSION_CREATED');
    // A new reservation is first due when its create attempt's deadline passes (25 s): due now.
    await stack.documents.send(
      new UpdateCommand({
        TableName: stack.tableNames.reservations,
        Key: reservationKeys.reservation(created.reservationId),
        UpdateExpression: 'SET nextCheckAt = :due',
        ConditionExpression: 'attribute_exists(openShard)',
        ExpressionAttributeValues: { ':due': new Date(Date.now() - 1000).toISOString() },
      }),
    );

    const run = await stack.reconcileNow();

    expect(run.failed).toBe(0);
    expect((await client.reservation(created.reservationId))?.status).toBe('RESERVED');
    const runs = (await (await fetch(`${stack.urls.api}/_local/reconciler`)).json()) as {
      runs: { checked: number; events: number }[];
    };
    expect(runs.runs.at(-1)).toMatchObject({ events: 1 });
  });

  it('serves the console page, the return page and the stack URLs under /_local/', async () => {
    const page = await fetch(stack.urls.console);
    const returned = await fetch(
      `${stack.urls.api}/_local/return?outcome=failure&reference=%3Cb%3E`,
    );
    const links = await client.stack();

    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('data-testid="reservations"');
    expect(html).not.toMatch(/<(link|script)[^>]+(src|href)="https?:/);
    const returnHtml = await returned.text();
    expect(returnHtml).toContain('data-outcome="failure"');
    expect(returnHtml).toContain('&lt;b&gt;');
    expect(links).toEqual({
      api: stack.urls.api,
      sandbox: stack.urls.sandbox,
      frontPayment: stack.urls.sandbox,
      eventBridge: stack.urls.eventBridge,
      dynamoDb: stack.urls.dynamoDb,
    });
  });

  it('serves the committed OpenAPI document at /openapi.json', async () => {
    const response = await fetch(stack.urls.openApi);

    expect(stack.urls.openApi).toBe(`${stack.urls.api}/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(await response.text()).toBe(committedOpenApiText());
  });

  it('hides /_local/ from requests that came through a tunnel or proxy', async () => {
    const viaTunnel = await fetch(`${stack.urls.api}/_local/reservations`, {
      headers: { 'x-forwarded-for': '203.0.113.7' },
    });
    const direct = await fetch(`${stack.urls.api}/_local/reservations`);

    expect(viaTunnel.status).toBe(404);
    expect(direct.status).toBe(200);
  });

  it('runs the functions with the timeouts and routes of the CDK stack', () => {
    expect(FUNCTION_TIMEOUTS_MS).toEqual({
      createSession: CREATE_SESSION_TIMEOUT.toMilliseconds(),
      callback: CALLBACK_TIMEOUT.toMilliseconds(),
      publishPending: PUBLISH_PENDING_TIMEOUT.toMilliseconds(),
      reconcile: RECONCILE_TIMEOUT.toMilliseconds(),
      reservationCommands: RESERVATION_COMMANDS_TIMEOUT.toMilliseconds(),
    });
    expect([CREATE_RESERVATION_ROUTE, CALLBACK_ROUTE, CALLBACK_RESERVATION_ROUTE]).toEqual([
      '/reservations',
      CALLBACK_PATH,
      `${CALLBACK_PATH}/{reservationId}`,
    ]);
  });

  it('refuses a taken port before starting anything, naming the variable', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const starting = startLocalStack({
        ...stackOptions,
        sandboxPort: port,
        dynamoDbEndpoint: stack.urls.dynamoDb,
      });

      await expect(starting).rejects.toBeInstanceOf(PortInUseError);
      await expect(starting).rejects.toMatchObject({ variable: 'SANDBOX_PORT', port });
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('refuses a second stack with other settings in the same process, and stops what it started', async () => {
    const eventBridgePort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });

    await expect(
      startLocalStack({
        ...stackOptions,
        eventBridgePort,
        tableNames: { reservations: `other-${suffix}` },
        dynamoDbEndpoint: stack.urls.dynamoDb,
      }),
    ).rejects.toBeInstanceOf(LocalStackStartupError);
    // The event bridge it had started is stopped again: its port is free.
    await new Promise<void>((resolve, reject) => {
      const probe = createServer()
        .once('error', reject)
        .listen(eventBridgePort, '127.0.0.1', () => probe.close(() => resolve()));
    });
  });
});
