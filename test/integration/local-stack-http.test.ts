import { request } from 'node:http';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type HttpApiHandler,
  type RunningLambdaHttpServer,
  startLambdaHttpServer,
} from '../../infra/local/lambda-http-server.ts';

interface Invocation {
  readonly event: APIGatewayProxyEventV2;
  readonly remainingAtStart: number;
  readonly remainingLater: number;
  readonly context: Context;
}

const invocations: Invocation[] = [];
let answer: (event: APIGatewayProxyEventV2) => Promise<unknown> = async () => ({ statusCode: 204 });

/** Keeps what API Gateway would hand the function, then answers what the test set. */
const recordingHandler: HttpApiHandler = async (event, context) => {
  const remainingAtStart = context.getRemainingTimeInMillis();
  await new Promise((resolve) => setTimeout(resolve, 30));
  invocations.push({
    event,
    context,
    remainingAtStart,
    remainingLater: context.getRemainingTimeInMillis(),
  });
  return answer(event);
};

let server: RunningLambdaHttpServer;

beforeAll(async () => {
  server = await startLambdaHttpServer({
    port: 0,
    routes: [
      {
        method: 'GET',
        path: '/callbacks/front-payment',
        functionName: 'callback',
        timeoutMs: 10_000,
        handler: recordingHandler,
      },
      {
        method: 'POST',
        path: '/reservations',
        functionName: 'create-session',
        timeoutMs: 25_000,
        handler: recordingHandler,
      },
      {
        method: 'GET',
        path: '/slow',
        functionName: 'slow',
        timeoutMs: 200,
        handler: () => new Promise(() => {}),
      },
    ],
    maxBodyBytes: 1024,
  });
});

afterAll(() => server?.stop());

/** A raw HTTP request: fetch would normalise headers and the query. */
function send(options: {
  method: string;
  path: string;
  headers?: [string, string][];
  body?: Buffer | string;
}): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}> {
  return new Promise((resolve, reject) => {
    const url = new URL(server.url);
    // A flat list keeps repeated headers; it replaces Node's defaults, so Host is set here.
    const flatHeaders = [['Host', url.host], ...(options.headers ?? [])].flat();
    const outgoing = request(
      {
        host: url.hostname,
        port: url.port,
        method: options.method,
        path: options.path,
        headers: flatHeaders,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks),
          }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

function lastEvent(): APIGatewayProxyEventV2 {
  const last = invocations.at(-1);
  if (!last) throw new Error('the handler was not invoked');
  return last.event;
}

describe('the local API Gateway (HTTP API, payload 2.0)', () => {
  it('keeps the raw query string exactly as sent and decodes queryStringParameters like API Gateway', async () => {
    answer = async () => ({ statusCode: 200, body: 'ok' });
    const rawQuery = 'status=RESEVRED&orderUuid=RES1&note=a%20b+c&tag=x&tag=y&checksum=AbC';

    await send({ method: 'GET', path: `/callbacks/front-payment?${rawQuery}` });

    const event = lastEvent();
    expect(event.rawPath).toBe('/callbacks/front-payment');
    expect(event.rawQueryString).toBe(rawQuery);
    expect(event.queryStringParameters).toEqual({
      status: 'RESEVRED',
      orderUuid: 'RES1',
      note: 'a b c',
      tag: 'x,y',
      checksum: 'AbC',
    });
    expect(event.routeKey).toBe('GET /callbacks/front-payment');
    expect(event.requestContext.http).toMatchObject({
      method: 'GET',
      path: '/callbacks/front-payment',
      protocol: 'HTTP/1.1',
      sourceIp: '127.0.0.1',
    });
    expect(event.requestContext.stage).toBe('$default');
    expect(event.requestContext.time).toMatch(
      /^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/,
    );
    expect(event.body).toBeUndefined();
    expect(event.isBase64Encoded).toBe(false);
  });

  it('lower-cases headers, joins repeated ones with commas and moves cookies into `cookies`', async () => {
    await send({
      method: 'POST',
      path: '/reservations',
      headers: [
        ['Idempotency-Key', 'Key-1'],
        ['X-Trace', 'one'],
        ['X-Trace', 'two'],
        ['Cookie', 'a=1; b=2'],
        ['Content-Type', 'application/json'],
      ],
      body: '{"x":1}',
    });

    const event = lastEvent();
    expect(event.headers['idempotency-key']).toBe('Key-1');
    expect(event.headers['x-trace']).toBe('one,two');
    expect(event.headers.cookie).toBeUndefined();
    expect(event.cookies).toEqual(['a=1', 'b=2']);
    expect(event.body).toBe('{"x":1}');
    expect(event.isBase64Encoded).toBe(false);
  });

  it('base64-encodes bodies that are not text, as API Gateway does for form posts', async () => {
    await send({
      method: 'POST',
      path: '/reservations',
      headers: [['Content-Type', 'application/x-www-form-urlencoded']],
      body: 'method=visa&x=%C3%A6',
    });

    const event = lastEvent();
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body as string, 'base64').toString('utf8')).toBe(
      'method=visa&x=%C3%A6',
    );
  });

  it("gives a context whose remaining time counts down from the function's timeout", async () => {
    await send({
      method: 'POST',
      path: '/reservations',
      headers: [['Content-Type', 'application/json']],
      body: '{}',
    });

    const { context, remainingAtStart, remainingLater } = invocations.at(-1) as Invocation;
    expect(context.functionName).toBe('create-session');
    expect(remainingAtStart).toBeLessThanOrEqual(25_000);
    expect(remainingAtStart).toBeGreaterThan(24_000);
    expect(remainingLater).toBeLessThanOrEqual(remainingAtStart - 25);
    expect(context.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('writes a structured result back: status, headers, cookies and a base64 body decoded', async () => {
    answer = async () => ({
      statusCode: 201,
      headers: { 'Content-Type': 'application/octet-stream', 'X-Count': 3 },
      cookies: ['session=1; HttpOnly', 'theme=dark'],
      body: Buffer.from([0, 1, 2, 255]).toString('base64'),
      isBase64Encoded: true,
    });

    const response = await send({ method: 'GET', path: '/callbacks/front-payment?a=1' });

    expect(response.status).toBe(201);
    expect(response.headers['content-type']).toBe('application/octet-stream');
    expect(response.headers['x-count']).toBe('3');
    expect(response.headers['set-cookie']).toEqual(['session=1; HttpOnly', 'theme=dark']);
    expect([...response.body]).toEqual([0, 1, 2, 255]);
    expect(response.headers['apigw-requestid']).toBe(lastEvent().requestContext.requestId);
  });

  it('infers a 200 JSON answer from a result without statusCode', async () => {
    answer = async () => ({ received: true });

    const response = await send({ method: 'GET', path: '/callbacks/front-payment' });

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(JSON.parse(response.body.toString())).toEqual({ received: true });
  });

  it('answers 500 like API Gateway when the function throws, without leaking the error', async () => {
    answer = async () => {
      throw new Error('secret detail');
    };

    const response = await send({ method: 'GET', path: '/callbacks/front-payment' });

    expect(response.status).toBe(500);
    expect(JSON.parse(response.body.toString())).toEqual({ message: 'Internal Server Error' });
  });

  it('cuts a function off at its timeout with a 500', async () => {
    const startedAt = Date.now();
    const response = await send({ method: 'GET', path: '/slow' });

    expect(response.status).toBe(500);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(190);
  });

  it('answers 404 for unknown routes and for a known path with another method, and 413 above the body limit', async () => {
    const unknown = await send({ method: 'GET', path: '/nothing-here' });
    const wrongMethod = await send({ method: 'GET', path: '/reservations' });
    const tooLarge = await send({
      method: 'POST',
      path: '/reservations',
      headers: [['Content-Type', 'application/json']],
      body: 'x'.repeat(2048),
    });

    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body.toString())).toEqual({ message: 'Not Found' });
    expect(wrongMethod.status).toBe(404);
    expect(tooLarge.status).toBe(413);
  });
});
