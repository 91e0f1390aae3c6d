import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PENDING_OUTBOX } from '#shared/reservations/table-design';
import {
  callbackEvent,
  callbackFields,
  readStatusChanges,
  signedQuery,
  useCallbackStack,
} from '../support/callback-fixtures.ts';
import { captureOutput } from '../support/captured-output.ts';

/** Accepts connections, reads what is sent and never answers: a hung AWS endpoint. */
async function startSilentEndpoint() {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('data', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('no address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

let silent: Awaited<ReturnType<typeof startSilentEndpoint>>;
beforeAll(async () => {
  silent = await startSilentEndpoint();
});
afterAll(() => silent.stop());

// Each test loads the callback Lambda it needs, pointed at the silent endpoint.
const stack = useCallbackStack({ handler: false });
const output = captureOutput();

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await work();
  return { result, ms: performance.now() - started };
}

describe('the callback answers in time when an AWS service hangs', () => {
  it('EventBridge never answers: 200 within the publish budget, the event left pending', async () => {
    const handler = await stack.loadHandler({ eventBridgeUrl: silent.url });
    const { reservationId, reservationUuid: frontPaymentUuid } = await stack.heldReservation();

    const { result, ms } = await timed(() =>
      handler(callbackEvent(signedQuery(callbackFields(frontPaymentUuid, 'Reserved')))),
    );

    expect(result.statusCode).toBe(200);
    // No request starts after the 3 s publish budget, and the one in flight runs to its own 2 s
    // timeout (abandoning it sooner could make a duplicate). The bound that matters is the
    // Lambda's 15 s timeout; it is loose on purpose, these machines are shared and noisy.
    expect(ms).toBeGreaterThan(2_500);
    expect(ms).toBeLessThan(9_000);
    const [change] = await readStatusChanges(stack.tables, reservationId);
    expect(change?.outbox).toBe(PENDING_OUTBOX);
    expect(change?.publishLeaseUntil).toBeUndefined();
  });

  it('DynamoDB never answers: each try is abandoned after 3 s and the answer is 500', async () => {
    const handler = await stack.loadHandler({
      dynamoDbEndpoint: silent.url,
      // One try, to time the per-try limit itself (the SDK makes 3 by default).
      extra: { AWS_MAX_ATTEMPTS: '1' },
    });

    const { result, ms } = await timed(() =>
      handler(callbackEvent(signedQuery(callbackFields('RES4161996022', 'Reserved')))),
    );

    expect(result.statusCode).toBe(500);
    expect(ms).toBeGreaterThan(2_500);
    expect(ms).toBeLessThan(9_000);
    expect(stack.bridge.events).toEqual([]);
    expect(output.logs()).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        message: 'request failed',
        statusCode: 500,
        errorName: 'TimeoutError',
      }),
    ]);
  });
});
