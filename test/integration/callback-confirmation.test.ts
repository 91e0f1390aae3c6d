import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../infra/local/free-port.ts';
import {
  callbackEvent,
  callbackFields,
  readStatusChanges,
  seedReservation,
  signedQuery,
  useCallbackStack,
} from '../support/callback-fixtures.ts';
import { captureOutput } from '../support/captured-output.ts';

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

/** The callback Lambda's variables that turn confirmation on, against `baseUrl`. */
const confirmingWith = (baseUrl: string) => ({
  CONFIRM_STATUS_WITH_FRONT_PAYMENT: 'true',
  FRONT_PAYMENT_BASE_URL: baseUrl,
  FRONT_PAYMENT_TOKEN: TOKEN,
});

let frontPayment: Awaited<ReturnType<typeof startDetailsEndpoint>>;
// Registered before the stack's hooks, so the endpoint is up when the handler loads.
beforeAll(async () => {
  frontPayment = await startDetailsEndpoint();
});
afterAll(() => frontPayment.stop());

const stack = useCallbackStack({ extra: () => confirmingWith(frontPayment.url) });
const output = captureOutput();
const { send } = stack;

describe('callback handler with CONFIRM_STATUS_WITH_FRONT_PAYMENT=true', () => {
  it('records a status Front Payment confirms, asking with our bearer token', async () => {
    const { reservationId, frontPaymentUuid } = await seedReservation(stack.tables);
    frontPayment.statuses.set(frontPaymentUuid, 'Captured');

    const response = await send(signedQuery(callbackFields(frontPaymentUuid, 'Captured')));

    expect(response).toEqual({ statusCode: 200, body: { received: true, duplicate: false } });
    expect(frontPayment.requests).toContainEqual({
      path: `/api/v1/connect/reservations/details/${frontPaymentUuid}`,
      authorization: `Bearer ${TOKEN}`,
    });
    expect(await readStatusChanges(stack.tables, reservationId)).toHaveLength(1);
    expect(stack.bridge.events).toHaveLength(1);
  });

  it('accepts a late status that Front Payment has already moved past', async () => {
    const { frontPaymentUuid } = await seedReservation(stack.tables);
    frontPayment.statuses.set(frontPaymentUuid, 'CHARGED');

    const response = await send(signedQuery(callbackFields(frontPaymentUuid, 'Reserved')));

    expect(response.statusCode).toBe(200);
  });

  it('answers 503 with retry-after and records nothing while Front Payment is behind or does not know it', async () => {
    const { reservationId, frontPaymentUuid } = await seedReservation(stack.tables);
    frontPayment.statuses.set(frontPaymentUuid, 'Reserved');
    const unknown = await seedReservation(stack.tables);

    const behindQuery = signedQuery(callbackFields(frontPaymentUuid, 'Charged'));
    const behind = await send(behindQuery);
    const notFound = await send(signedQuery(callbackFields(unknown.frontPaymentUuid, 'Reserved')));

    // 503, not 4xx: Front Payment's view may lag behind its own callback, so it should come again.
    for (const response of [behind, notFound]) {
      expect(response).toEqual({
        statusCode: 503,
        body: {
          message:
            "Front Payment's reservation details do not show this status yet; try again later",
          retryable: true,
        },
      });
    }
    expect((await stack.invoke(behindQuery)).headers).toMatchObject({ 'retry-after': '30' });
    expect(await readStatusChanges(stack.tables, reservationId)).toEqual([]);
    expect(await readStatusChanges(stack.tables, unknown.reservationId)).toEqual([]);
    expect(stack.bridge.events).toEqual([]);

    // Once Front Payment's details catch up, the same callback brought again is recorded.
    frontPayment.statuses.set(frontPaymentUuid, 'Charged');
    expect((await send(behindQuery)).statusCode).toBe(200);
    expect(await readStatusChanges(stack.tables, reservationId)).toHaveLength(1);
  });

  it('answers 503 and records nothing when Front Payment cannot be reached', async () => {
    const closedPort = await findFreePort();
    const unreachable = await stack.loadHandler({
      extra: confirmingWith(`http://127.0.0.1:${closedPort}`),
    });
    const { reservationId, frontPaymentUuid } = await seedReservation(stack.tables);

    const response = await unreachable(
      callbackEvent(signedQuery(callbackFields(frontPaymentUuid, 'Reserved'))),
    );

    expect(response.statusCode).toBe(503);
    expect(response.headers).toMatchObject({ 'retry-after': '30' });
    expect(await readStatusChanges(stack.tables, reservationId)).toEqual([]);
    expect(stack.bridge.events).toEqual([]);
    expect(output.logs()).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        message: 'Could not confirm a callback with Front Payment',
        orderUuid: frontPaymentUuid,
        errorName: 'FrontPaymentUnavailableError',
        error: expect.objectContaining({ message: 'Front Payment could not be reached' }),
      }),
    ]);
  });

  it('refuses to start without FRONT_PAYMENT_BASE_URL, naming it', async () => {
    await expect(
      stack.loadHandler({
        extra: { CONFIRM_STATUS_WITH_FRONT_PAYMENT: 'true', FRONT_PAYMENT_TOKEN: TOKEN },
      }),
    ).rejects.toThrow(/FRONT_PAYMENT_BASE_URL/);
  });
});
