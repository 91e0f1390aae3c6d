import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  FrontPaymentInterruptedError,
  FrontPaymentProtocolError,
  FrontPaymentTimeoutError,
  FrontPaymentUnavailableError,
} from '#shared/errors';
import { createFrontPaymentClient } from '#shared/front-payment/front-payment-client';
import { sessionFailureOf } from '#shared/reservations/session-failure';
import { findFreePort } from '../../infra/local/free-port.ts';

/**
 * Answers Front Payment's details path the way a test names it in the uuid, for the answers the
 * sandbox does not make: rate limiting, a body that is not the envelope, a socket cut mid-answer.
 */
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    const behaviour = request.url?.split('/').at(-1);
    if (behaviour === 'rate-limited') {
      response.writeHead(429, { 'content-type': 'application/json' });
      response.end('{"status_code":429,"message":"Too Many Attempts."}');
    } else if (behaviour === 'not-an-envelope') {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<html>maintenance</html>');
    } else if (behaviour === 'cut') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"status_code":200,');
      setTimeout(() => response.socket?.destroy(), 20);
    } else if (behaviour === 'slow') {
      // Far beyond the client's 300 ms, even on a busy machine.
      setTimeout(() => response.end('{}'), 30_000).unref();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** Short only where the timeout is what is tested: on a busy machine an answer may take a while. */
const clientFor = (url: string, token = async () => 'token', timeoutMs = 10_000) =>
  createFrontPaymentClient({ baseUrl: url, token, timeoutMs });

describe('Front Payment client failures', () => {
  it.each([
    ['rate-limited', FrontPaymentUnavailableError, 'unavailable', true],
    ['not-an-envelope', FrontPaymentProtocolError, 'protocol', false],
    ['cut', FrontPaymentInterruptedError, 'interrupted', false],
    ['slow', FrontPaymentTimeoutError, 'timeout', false],
  ] as const)('classifies %s', async (behaviour, errorClass, reason, outcomeKnown) => {
    const timeoutMs = behaviour === 'slow' ? 300 : undefined;
    const error = await clientFor(baseUrl, undefined, timeoutMs)
      .getReservationDetails(behaviour)
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(errorClass);
    expect(sessionFailureOf(error, new Date())).toMatchObject({
      failure: { reason },
      outcomeKnown,
    });
  });

  it('knows that a refused connection sent nothing', async () => {
    const error = await clientFor(`http://127.0.0.1:${await findFreePort()}`)
      .getReservationDetails('any')
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(FrontPaymentUnavailableError);
    expect(error).not.toBeInstanceOf(FrontPaymentInterruptedError);
    expect(sessionFailureOf(error, new Date())).toMatchObject({
      failure: { reason: 'unavailable', retryable: true },
      outcomeKnown: true,
    });
  });

  it('reports an unreadable token as misconfiguration without its value', async () => {
    const error = await clientFor(baseUrl, async () => {
      throw new Error('AccessDenied for secret-value-123');
    })
      .getReservationDetails('any')
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).not.toContain('secret-value-123');
    expect(sessionFailureOf(error, new Date())).toMatchObject({
      failure: { reason: 'misconfigured' },
      outcomeKnown: true,
    });
  });
});
