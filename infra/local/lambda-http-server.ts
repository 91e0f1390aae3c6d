import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { toHttpApiEvent } from './api-gateway-event.ts';
import {
  fromHandlerResult,
  type HttpApiResponse,
  INTERNAL_SERVER_ERROR,
  NOT_FOUND,
  writeHttpApiResponse,
} from './api-gateway-result.ts';
import { createLambdaContext } from './lambda-context.ts';

/** A Lambda handler behind an HTTP API route (what `functions/<name>/handler.ts` exports). */
export type HttpApiHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>;

export interface LambdaRoute {
  readonly method: string;
  /** An exact path, e.g. `/reservations`. */
  readonly path: string;
  readonly functionName: string;
  /** The function's timeout in AWS; the local run is cut off after it too. */
  readonly timeoutMs: number;
  readonly handler: HttpApiHandler;
  /**
   * For a route behind the IAM authorizer in AWS: the principal a local request comes from, one
   * fixed principal or one read from the request (its SigV4 credential).
   */
  readonly callerArn?: string | ((request: IncomingMessage) => string);
}

/** Answers a request outside the API routes (the console); resolves false when it is not its own. */
export type OtherRequestListener = (
  request: IncomingMessage,
  response: ServerResponse,
) => Promise<boolean>;

export interface AccessLogEntry {
  readonly method: string;
  /** Path only: query strings carry callback checksums and are not logged. */
  readonly path: string;
  readonly statusCode: number;
  readonly durationMs: number;
  readonly functionName?: string;
  readonly error?: string;
  /** The request body a function received, as sent (personal data included: mask before showing). */
  readonly requestBody?: Buffer;
  /** The body the function answered. */
  readonly responseBody?: Buffer;
}

/** One answer to a request of a route, with the route's template (for checking it). */
export interface RouteAnswer {
  readonly method: string;
  /** e.g. `/reservations/{reservationId}`. */
  readonly route: string;
  readonly statusCode: number;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export interface LambdaHttpServerOptions {
  readonly port: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  readonly routes: readonly LambdaRoute[];
  readonly otherRequests?: OtherRequestListener;
  /** @default API Gateway's 10 MB payload limit */
  readonly maxBodyBytes?: number;
  readonly onRequest?: (entry: AccessLogEntry) => void;
  /** Every answer to a request that matched a route, as it was sent. */
  readonly onAnswer?: (answer: RouteAnswer) => void;
}

export interface RunningLambdaHttpServer {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

const API_GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;

/** API Gateway HTTP API's quota on the request line and header values together (not raisable). */
export const API_GATEWAY_MAX_REQUEST_LINE_AND_HEADERS_BYTES = 10_240;

/**
 * How much request line and headers Node reads before giving up on a request (its default is 16
 * KiB): well above API Gateway's quota, so an over-long request is read whole and answered as API
 * Gateway answers it, instead of the connection being cut while the client still sends.
 */
const NODE_MAX_HEADER_BYTES = 1024 * 1024;

/**
 * A local stand-in for API Gateway HTTP API with Lambda proxy integrations: each request to a
 * route becomes a payload 2.0 event for the real handler, with a context whose deadline is the
 * function's timeout, and the handler's result becomes the HTTP answer.
 */
export async function startLambdaHttpServer(
  options: LambdaHttpServerOptions,
): Promise<RunningLambdaHttpServer> {
  const host = options.host ?? '127.0.0.1';
  const maxBodyBytes = options.maxBodyBytes ?? API_GATEWAY_MAX_BODY_BYTES;
  const server = createServer({ maxHeaderSize: NODE_MAX_HEADER_BYTES }, (request, response) => {
    const startedAt = Date.now();
    serve(request, response, options, maxBodyBytes)
      .then((outcome) => {
        options.onRequest?.({
          method: request.method ?? 'GET',
          path: (request.url ?? '/').split('?')[0] ?? '/',
          statusCode: response.statusCode,
          durationMs: Date.now() - startedAt,
          ...outcome,
        });
      })
      .catch((error: unknown) => {
        if (!response.headersSent) writeHttpApiResponse(response, INTERNAL_SERVER_ERROR, 'local');
        else response.destroy();
        options.onRequest?.({
          method: request.method ?? 'GET',
          path: (request.url ?? '/').split('?')[0] ?? '/',
          statusCode: 500,
          durationMs: Date.now() - startedAt,
          error: errorSummary(error),
        });
      });
  });
  // Beyond even Node's raised limit: answer, then close once the client has sent the rest.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (socket.writable && error.code === 'HPE_HEADER_OVERFLOW') {
      socket.end(rawAnswer(REQUEST_TOO_LONG));
      socket.resume();
    } else {
      socket.destroy();
    }
  });
  // Keep-alive sockets of browsers would otherwise hold `close()` open.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function serve(
  request: IncomingMessage,
  response: ServerResponse,
  options: LambdaHttpServerOptions,
  maxBodyBytes: number,
): Promise<Pick<AccessLogEntry, 'functionName' | 'error' | 'requestBody' | 'responseBody'>> {
  const path = (request.url ?? '/').split('?')[0] ?? '/';
  const method = (request.method ?? 'GET').toUpperCase();
  const refusal = refusalOf(request, path);
  if (refusal) {
    request.resume();
    writeHttpApiResponse(response, refusal, randomUUID());
    return {};
  }
  const matched = options.routes
    .map((candidate) => ({ route: candidate, parameters: matchPath(candidate.path, path) }))
    .find((candidate) => candidate.parameters !== undefined && candidate.route.method === method);
  const route = matched?.route;
  if (!route) {
    if (options.otherRequests && (await options.otherRequests(request, response))) return {};
    writeHttpApiResponse(response, NOT_FOUND, randomUUID());
    return {};
  }

  const body = await readBody(request, maxBodyBytes);
  const requestId = randomUUID();
  const answered = (answer: HttpApiResponse) => {
    writeHttpApiResponse(response, answer, requestId);
    options.onAnswer?.({ method, route: route.path, ...answer });
  };
  if (body === 'too-large') {
    answered(tooLarge());
    return { functionName: route.functionName };
  }
  const event = toHttpApiEvent(request, body, {
    routeKey: `${method} ${route.path}`,
    requestId,
    ...(route.callerArn ? { callerArn: callerArnOf(route.callerArn, request) } : {}),
    ...(matched?.parameters && Object.keys(matched.parameters).length > 0
      ? { pathParameters: matched.parameters }
      : {}),
  });
  const context = createLambdaContext({
    functionName: route.functionName,
    timeoutMs: route.timeoutMs,
  });
  const outcome = await invoke(route, event, context);
  answered(outcome.answer);
  return {
    functionName: route.functionName,
    ...(outcome.error ? { error: outcome.error } : {}),
    requestBody: body,
    responseBody: outcome.answer.body,
  };
}

function callerArnOf(
  callerArn: NonNullable<LambdaRoute['callerArn']>,
  request: IncomingMessage,
): string {
  return typeof callerArn === 'string' ? callerArn : callerArn(request);
}

/** Runs the handler like Lambda: a throw or a timeout is a function error, API Gateway says 500. */
async function invoke(
  route: LambdaRoute,
  event: APIGatewayProxyEventV2,
  context: Context,
): Promise<{ answer: HttpApiResponse; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timed-out'>((resolve) => {
    timer = setTimeout(() => resolve('timed-out'), route.timeoutMs);
  });
  try {
    const result = await Promise.race([route.handler(event, context), timedOut]);
    if (result === 'timed-out') {
      return {
        answer: INTERNAL_SERVER_ERROR,
        error: `Task timed out after ${(route.timeoutMs / 1000).toFixed(2)} seconds`,
      };
    }
    return { answer: fromHandlerResult(result) };
  } catch (error) {
    return { answer: INTERNAL_SERVER_ERROR, error: errorSummary(error) };
  } finally {
    clearTimeout(timer);
  }
}

function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    request.once('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks)));
    request.once('error', reject);
  });
}

/**
 * What API Gateway answers before any route or function: a request line over its quota (414), a
 * request line and headers together over it (431), or a path whose percent-encoding is malformed
 * (400: such a path has no segments to match, and `decodeURIComponent` would throw).
 */
function refusalOf(request: IncomingMessage, path: string): HttpApiResponse | undefined {
  const requestLine = Buffer.byteLength(
    `${request.method} ${request.url} HTTP/${request.httpVersion}`,
  );
  if (requestLine > API_GATEWAY_MAX_REQUEST_LINE_AND_HEADERS_BYTES) return REQUEST_TOO_LONG;
  const headerValues = request.rawHeaders
    .filter((_, index) => index % 2 === 1)
    .reduce((sum, value) => sum + Buffer.byteLength(value), 0);
  if (requestLine + headerValues > API_GATEWAY_MAX_REQUEST_LINE_AND_HEADERS_BYTES) {
    return jsonAnswer(431, 'Request Header Fields Too Large');
  }
  if (!isWellEncoded(path)) return jsonAnswer(400, 'Bad Request');
  return undefined;
}

function isWellEncoded(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

const REQUEST_TOO_LONG = jsonAnswer(414, 'Request-URI Too Long');

function jsonAnswer(statusCode: number, message: string): HttpApiResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json' },
    cookies: [],
    body: Buffer.from(JSON.stringify({ message })),
  };
}

/** An answer written straight to a socket Node's HTTP parser gave up on. */
function rawAnswer(answer: HttpApiResponse): string {
  const reason = JSON.parse(answer.body.toString()).message as string;
  return (
    `HTTP/1.1 ${answer.statusCode} ${reason}\r\ncontent-type: application/json\r\n` +
    `content-length: ${answer.body.length}\r\nconnection: close\r\n\r\n${answer.body}`
  );
}

function tooLarge(): HttpApiResponse {
  return {
    statusCode: 413,
    headers: { 'content-type': 'application/json' },
    cookies: [],
    body: Buffer.from('{"message":"Request Entity Too Large"}'),
  };
}

/** Our errors' messages name ids and field paths only, never request values (see shared/errors.ts). */
function errorSummary(error: unknown): string {
  return error instanceof Error
    ? `${error.name}: ${error.message}`
    : 'a non-Error value was thrown';
}

/**
 * The path parameters when `path` fits the route's template (`/callbacks/front-payment/{id}`),
 * as API Gateway matches it: a `{name}` is one whole segment; undefined when it does not fit.
 */
export function matchPath(template: string, path: string): Record<string, string> | undefined {
  const names: string[] = [];
  const pattern = template
    .split('/')
    .map((segment) => {
      const parameter = /^\{(\w+)\}$/.exec(segment);
      if (!parameter?.[1]) return segment.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
      names.push(parameter[1]);
      return '([^/]+)';
    })
    .join('/');
  const match = new RegExp(`^${pattern}$`).exec(path);
  if (!match) return undefined;
  return Object.fromEntries(
    names.map((name, index) => [name, decodeURIComponent(match[index + 1] ?? '')]),
  );
}
