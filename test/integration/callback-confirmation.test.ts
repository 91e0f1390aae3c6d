import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type RunningLocalEventBridge,
  startLocalEventBridge,
} from '../../infra/local/event-bridge-stand-in.ts';
import { findFreePort } from '../../infra/local/free-port.ts';
import {
  callbackEvent,
  callbackFields,
  type HttpHandler,
  loadCallbackHandler,
  readStatusChanges,
  seedReservation,
  signedQuery,
} from '../support/callback-fixtures.ts';
import { createLocalTables, type LocalTables } from '../support/local-tables.ts';

const TOKEN = 'local-front-payment-token';

/**
 * Front Payment's `GET /api/v1/connect/reservations/details/{uuid}` with the statuses a test
 * sets; unknown uuids answer its 404 envelope. Requests are kept to check the bearer token.
 */
async function startDetailsEndpoint() {
  const statuses = new Map<string, string>();
  const requests: { path: string; authorization: string | undefined }[] = [];
  const server: Server = createServer((request, response) => {
    const path = request.url ?? '';
    requests.push({ path, authorization: request.headers.authorization });
    const uuid = /^\/api\/v1\/connect\/reservations\/details\/([^/]+)$/.exec(path)?.[1] ?? '';
    const status = statuses.get(decodeURIComponent(uuid));
    const [code, body] = status
      ? [
          200,
          {
            status_code: 200,
            message: 'OK',
            is_data: true,
            data: { reservationUuid: uuid, status },
          },
        ]
      : [404, { status_code: 404, message: 'reservationNotFound', is_error: true, errors: [] }];
    response.writeHead(code, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    statuses,
    requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let tables: LocalTables;
let bridge: RunningLocalEventBridge;
let frontPayment: Awaited<ReturnType<typeof startDetailsEndpoint>>;
let handler: HttpHandler;

beforeAll(async () => {
  tables = await createLocalTables();
  bridge = await startLocalEventBridge();
  frontPayment = await startDetailsEndpoint();
  handler = await loadCallbackHandler({
    tables,
    eventBridgeUrl: bridge.url,
    extra: {
      CONFIRM_STATUS_WITH_FRONT_PAYMENT: 'true',
      FRONT_PAYMENT_BASE_URL: frontPayment.url,
      FRONT_PAYMENT_TOKEN: TOKEN,
    },
  });
});
afterAll(async () => {
  await bridge.stop();
  await frontPayment.stop();
});
beforeEach(() => bridge.clear());

async function send(query: string) {
  const response = await handler(callbackEvent(query));
  return { statusCode: response.statusCode, body: JSON.parse(response.body ?? 'null') };
}

describe('callback handler with CONFIRM_STATUS_WITH_FRONT_PAYMENT=true', () => {
  it('records a status Front Payment confirms, asking with our bearer token', async () => {
    const { reservationId, frontPaymentUuid } = await seedReservation(tables);
    frontPayment.statuses.set(frontPaymentUuid, 'Captured');

    const response = await send(signedQuery(callbackFields(frontPaymentUuid, 'Captured')));

    expect(response).toEqual({ statusCode: 200, body: { received: true, duplicate: false } });
    expect(frontPayment.requests).toContainEqual({
      path: `/api/v1/connect/reservations/details/${frontPaymentUuid}`,
      authorization: `Bearer ${TOKEN}`,
    });
    expect(await readStatusChanges(tables, reservationId)).toHaveLength(1);
    expect(bridge.events).toHaveLength(1);
  });

  it('accepts a late status that Front Payment has already moved past', async () => {
    const { frontPaymentUuid } = await seedReservation(tables);
    frontPayment.statuses.set(frontPaymentUuid, 'CHARGED');

    const response = await send(signedQuery(callbackFields(frontPaymentUuid, 'Reserved')));

    expect(response.statusCode).toBe(200);
  });

  it('answers 409 and records nothing when Front Payment is behind or does not know it', async () => {
    const { reservationId, frontPaymentUuid } = await seedReservation(tables);
    frontPayment.statuses.set(frontPaymentUuid, 'Reserved');
    const unknown = await seedReservation(tables);

    const behind = await send(signedQuery(callbackFields(frontPaymentUuid, 'Charged')));
    const notFound = await send(signedQuery(callbackFields(unknown.frontPaymentUuid, 'Reserved')));

    expect(behind.statusCode).toBe(409);
    expect(notFound.statusCode).toBe(409);
    expect(await readStatusChanges(tables, reservationId)).toEqual([]);
    expect(await readStatusChanges(tables, unknown.reservationId)).toEqual([]);
    expect(bridge.events).toEqual([]);
  });

  it('answers 503 and records nothing when Front Payment cannot be reached', async () => {
    const closedPort = await findFreePort();
    const unreachable = await loadCallbackHandler({
      tables,
      eventBridgeUrl: bridge.url,
      extra: {
        CONFIRM_STATUS_WITH_FRONT_PAYMENT: 'true',
        FRONT_PAYMENT_BASE_URL: `http://127.0.0.1:${closedPort}`,
        FRONT_PAYMENT_TOKEN: TOKEN,
      },
    });
    const { reservationId, frontPaymentUuid } = await seedReservation(tables);

    const response = await unreachable(
      callbackEvent(signedQuery(callbackFields(frontPaymentUuid, 'Reserved'))),
    );

    expect(response.statusCode).toBe(503);
    expect(response.headers).toMatchObject({ 'retry-after': '30' });
    expect(await readStatusChanges(tables, reservationId)).toEqual([]);
    expect(bridge.events).toEqual([]);
  });

  it('refuses to start without FRONT_PAYMENT_BASE_URL, naming it', async () => {
    await expect(
      loadCallbackHandler({
        tables,
        eventBridgeUrl: bridge.url,
        extra: { CONFIRM_STATUS_WITH_FRONT_PAYMENT: 'true', FRONT_PAYMENT_TOKEN: TOKEN },
      }),
    ).rejects.toThrow(/FRONT_PAYMENT_BASE_URL/);
  });
});
