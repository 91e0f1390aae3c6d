import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { LOCAL_CALLER_ARN } from '../../infra/local/api-gateway-event.ts';
import { CALLBACK_PATH } from '../../infra/local/callback-path.ts';
import { sampleReservationRequest } from '../../infra/local/sample-reservation.ts';
import { httpApiEvent, lambdaContext } from '../support/api-gateway-events.ts';
import { captureOutput } from '../support/captured-output.ts';
import { useLocalStack } from '../support/local-stack.ts';

/*
 * Hostile HTTP input at the edges, sent over real HTTP to the local stack (the local API Gateway,
 * the real handlers, DynamoDB Local, the sandbox): every answer is a 4xx naming what is wrong,
 * never a 5xx or a reset connection, and nothing reaches Front Payment.
 */

const suffix = randomUUID().slice(0, 8);
// Handlers called directly below log as in AWS; the lines are checked, not printed.
const output = captureOutput();
const local = useLocalStack();

interface RawAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** A raw HTTP request: fetch would normalise the path, merge headers and re-encode the body. */
function send(options: {
  method: string;
  path: string;
  headers?: [string, string][];
  body?: Buffer | string;
}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const url = new URL(local.stack.urls.api);
    const outgoing = request(
      {
        host: url.hostname,
        port: url.port,
        method: options.method,
        path: options.path,
        // A flat list keeps repeated headers; it replaces Node's defaults, so Host is set here.
        headers: [['Host', url.host], ...(options.headers ?? [])].flat(),
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: response.statusCode ?? 0, body: text ? JSON.parse(text) : {} });
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

const json: [string, string] = ['Content-Type', 'application/json'];
const key = (): [string, string] => ['Idempotency-Key', randomUUID()];

/** Front Payment calls of one kind for one reservation. */
const callsTo = (operation: string, reservationUuid: string) =>
  local.sandbox.calls.filter(
    (call) => call.path === `/api/v1/connect/reservations/${operation}/${reservationUuid}`,
  );

async function paidReservation() {
  const created = await local.client.createReservation(
    sampleReservationRequest({
      returnBaseUrl: local.stack.urls.api,
      referenceNo: `HOSTILE-${suffix}`,
    }),
    randomUUID(),
  );
  await local.sandbox.pay(created.reservationUuid, 'visa');
  return created;
}

const createCalls = () =>
  local.sandbox.calls.filter((call) => call.path === '/api/v1/connect/reservations/create').length;

describe('command bodies', () => {
  it('reproduction: a literal JSON null on capture is a 400, not "capture everything left"', async () => {
    const { reservationId, reservationUuid } = await paidReservation();

    const answer = await send({
      method: 'POST',
      path: `/reservations/${reservationId}/capture`,
      headers: [json, key()],
      body: 'null',
    });

    expect(answer).toMatchObject({ status: 400, body: { code: 'body-not-object' } });
    expect(callsTo('capture', reservationUuid)).toHaveLength(0);
  });

  it.each(['cancel', 'refund', 'charge', 'resend', 'complete'])(
    'refuses a literal JSON null on %s with a 400',
    async (command) => {
      const { reservationId } = await paidReservation();

      const answer = await send({
        method: 'POST',
        path: `/reservations/${reservationId}/${command}`,
        headers: [json, key()],
        body: 'null',
      });

      expect(answer).toMatchObject({ status: 400, body: { code: 'body-not-object' } });
    },
  );

  it('reads a missing body, or {}, as "capture everything left"', async () => {
    const { reservationId, reservationUuid } = await paidReservation();

    const missing = await send({
      method: 'POST',
      path: `/reservations/${reservationId}/capture`,
      headers: [key()],
    });

    expect(missing).toMatchObject({ status: 202, body: { state: 'ACCEPTED', amount: 1370 } });
    expect(callsTo('capture', reservationUuid)).toHaveLength(1);
  });

  it('refuses a body that is not valid UTF-8 with a 400, and sends nothing', async () => {
    const { reservationId, reservationUuid } = await paidReservation();
    const body = Buffer.concat([
      Buffer.from('{"note":"'),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from('"}'),
    ]);

    const answer = await send({
      method: 'POST',
      path: `/reservations/${reservationId}/cancel`,
      headers: [json, key()],
      body,
    });

    expect(answer.status).toBe(400);
    expect(answer.body.detail).toMatch(/UTF-8/);
    expect(callsTo('cancel', reservationUuid)).toHaveLength(0);
  });

  it('refuses a charset other than UTF-8 with a 415 naming it', async () => {
    const { reservationId, reservationUuid } = await paidReservation();

    const answer = await send({
      method: 'POST',
      path: `/reservations/${reservationId}/cancel`,
      headers: [['Content-Type', 'application/json; charset=utf-16'], key()],
      body: Buffer.from('{"note":"guest left"}', 'utf16le'),
    });

    expect(answer.status).toBe(415);
    expect(answer.body.detail).toMatch(/utf-16/);
    expect(callsTo('cancel', reservationUuid)).toHaveLength(0);
  });

  it('accepts charset=UTF-8 spelled any way', async () => {
    const { reservationId } = await paidReservation();

    const answer = await send({
      method: 'POST',
      path: `/reservations/${reservationId}/capture`,
      headers: [['Content-Type', 'application/json; Charset="UTF-8"'], key()],
      body: '{"amount":10}',
    });

    expect(answer.status).toBe(202);
  });

  it('refuses two Idempotency-Key headers (API Gateway joins them with a comma) with a 400 naming the header', async () => {
    const { reservationId, reservationUuid } = await paidReservation();

    const answer = await send({
      method: 'POST',
      path: `/reservations/${reservationId}/capture`,
      headers: [json, ['Idempotency-Key', 'first'], ['Idempotency-Key', 'second']],
      body: '{"amount":10}',
    });

    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([expect.objectContaining({ path: 'Idempotency-Key' })]);
    expect(callsTo('capture', reservationUuid)).toHaveLength(0);
  });
});

describe('create bodies', () => {
  it('refuses invalid UTF-8, another charset and two Idempotency-Keys on create, and creates nothing', async () => {
    const before = createCalls();
    const valid = JSON.stringify(sampleReservationRequest({ returnBaseUrl: local.stack.urls.api }));
    const broken = Buffer.concat([Buffer.from(valid.slice(0, -1)), Buffer.from([0xc3, 0x7d])]);

    const invalidUtf8 = await send({
      method: 'POST',
      path: '/reservations',
      headers: [json, key()],
      body: broken,
    });
    const utf16 = await send({
      method: 'POST',
      path: '/reservations',
      headers: [['Content-Type', 'application/json;charset=UTF-16'], key()],
      body: Buffer.from(valid, 'utf16le'),
    });
    const twoKeys = await send({
      method: 'POST',
      path: '/reservations',
      headers: [json, ['Idempotency-Key', 'a'], ['Idempotency-Key', 'b']],
      body: valid,
    });

    expect(invalidUtf8.status).toBe(400);
    expect(utf16).toMatchObject({
      status: 415,
      body: { code: 'unsupported-media-type', detail: expect.stringMatching(/UTF-16/) },
    });
    expect(twoKeys.status).toBe(400);
    expect(twoKeys.body.errors).toEqual([expect.objectContaining({ path: 'Idempotency-Key' })]);
    expect(createCalls()).toBe(before);
  });
});

describe('paths and query strings', () => {
  it.each([
    ['GET', '/reservations/%zz'],
    ['GET', '/reservations/%E0%A4%A'],
    ['POST', '/reservations/%zz/capture'],
    ['GET', `${CALLBACK_PATH}/%zz?orderUuid=RES1&checksum=00`],
  ])(
    'reproduction: %s %s (malformed percent-encoding) is a 400, not a 500',
    async (method, path) => {
      const answer = await send({
        method,
        path,
        ...(method === 'POST' ? { headers: [json, key()], body: '{}' } : {}),
      });

      expect(answer.status).toBe(400);
    },
  );

  it.each([
    ['100 KB', 100 * 1024],
    ['2 MB', 2 * 1024 * 1024],
  ])(
    'a %s callback query is answered 414 (API Gateway’s 10,240-byte quota on request line and headers), not cut off by Node’s own 16 KiB limit',
    async (_, size) => {
      const query = `orderUuid=RES1&status=RESERVED&pad=${'a'.repeat(size)}`;

      const answer = await fetch(`${local.stack.urls.api}${CALLBACK_PATH}?${query}`);

      expect(answer.status).toBe(414);
      expect(await answer.json()).toEqual({ message: 'Request-URI Too Long' });
    },
  );

  it('answers 431 when the headers, not the request line, take the request over the quota', async () => {
    const answer = await send({
      method: 'GET',
      path: '/reservations/no-such-reservation',
      headers: [['X-Padding', 'a'.repeat(11_000)]],
    });

    expect(answer.status).toBe(431);
  });

  it('the functions themselves answer 400 to a path parameter that is still percent-encoded', async () => {
    const [commands, callback] = await Promise.all([
      import('../../functions/reservation-commands/handler.ts'),
      import('../../functions/callback/handler.ts'),
    ]);
    const read = httpApiEvent({
      method: 'GET',
      path: '/reservations/%zz',
      routeKey: 'GET /reservations/{reservationId}',
      pathParameters: { reservationId: '%zz' },
      callerArn: LOCAL_CALLER_ARN,
    });
    const callbackEvent = httpApiEvent({
      method: 'GET',
      path: `${CALLBACK_PATH}/%zz`,
      routeKey: `GET ${CALLBACK_PATH}/{reservationId}`,
      rawQueryString: 'orderUuid=RES1&checksum=00',
      pathParameters: { reservationId: '%zz' },
    });

    expect((await commands.handler(read, lambdaContext())).statusCode).toBe(400);
    expect((await callback.handler(callbackEvent, lambdaContext())).statusCode).toBe(400);
    // Logged as refusals at INFO, by error name only: the path as sent stays out of the logs.
    expect(output.logs()).toEqual([
      expect.objectContaining({ level: 'INFO', message: 'request refused', statusCode: 400 }),
      expect.objectContaining({ level: 'INFO', message: 'request refused', statusCode: 400 }),
    ]);
    expect(output.text()).not.toContain('%zz');
  });

  it('still answers a request just under the limit', async () => {
    const answer = await send({
      method: 'GET',
      path: `/reservations/no-such-reservation?pad=${'a'.repeat(9_000)}`,
    });

    expect(answer.status).toBe(404);
  });
});
