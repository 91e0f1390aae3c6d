import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local EventBridge for tests and the local stack. It answers the real
 * `@aws-sdk/client-eventbridge` (PutEvents, AWS JSON 1.1 over HTTP) with the service's limits,
 * keeps what it received, and can be told to fail entries or whole requests the ways the real
 * service does. It does not route events itself: `onEvent` hands each accepted one on (see
 * `event-forwarding/`).
 */
export interface LocalEventBridgeOptions {
  /** @default 0 (a free port) */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** Called with each accepted entry, after its answer is decided (event forwarding). */
  readonly onEvent?: (event: ReceivedEvent) => void;
}

/** An entry the stand-in accepted, in the order received. */
export interface ReceivedEvent {
  /** The id the stand-in assigned and returned to the sender. */
  readonly eventId: string;
  readonly eventBusName: string;
  readonly source: string;
  readonly detailType: string;
  /** `Detail` parsed from its JSON text. */
  readonly detail: unknown;
  readonly resources: readonly string[];
  /** The entry's `Time`, or when it arrived if the sender gave none (ISO). */
  readonly time: string;
}

export interface RunningLocalEventBridge {
  /** Point the SDK here (`endpoint`, or `AWS_ENDPOINT_URL_EVENTBRIDGE`). */
  readonly url: string;
  readonly events: readonly ReceivedEvent[];
  /** The next `count` entries (across requests) come back failed in a 200 answer. */
  failNextEntries(count: number, errorCode?: string): void;
  /** The next `count` requests fail as a whole: 500 InternalException or 400 ValidationException. */
  failNextRequests(count: number, statusCode?: number): void;
  /** Forgets received events and pending faults. */
  clear(): void;
  stop(): Promise<void>;
}

/** PutEvents limits of the real service. */
const MAX_ENTRIES = 10;
const MAX_REQUEST_ENTRY_BYTES = 256 * 1024;
/** Bodies larger than this are not read at all (the entries' limit is checked after parsing). */
const MAX_BODY_BYTES = 1024 * 1024;
const JSON_1_1 = 'application/x-amz-json-1.1';

interface Faults {
  entries: number;
  entryErrorCode: string;
  requests: number;
  requestStatusCode: number;
}

export async function startLocalEventBridge(
  options: LocalEventBridgeOptions = {},
): Promise<RunningLocalEventBridge> {
  const events: ReceivedEvent[] = [];
  const faults: Faults = {
    entries: 0,
    entryErrorCode: 'InternalFailure',
    requests: 0,
    requestStatusCode: 500,
  };

  const control = {
    failNextEntries(count: number, errorCode = 'InternalFailure') {
      faults.entries = count;
      faults.entryErrorCode = errorCode;
    },
    failNextRequests(count: number, statusCode = 500) {
      faults.requests = count;
      faults.requestStatusCode = statusCode;
    },
    clear() {
      events.length = 0;
      faults.entries = 0;
      faults.requests = 0;
    },
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) {
        awsError(response, 500, 'InternalException', errorMessage(error));
      } else response.destroy();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const path = new URL(request.url ?? '/', 'http://stand-in').pathname;
    if (path === '/_events') return controlEvents(request, response);
    if (path === '/_faults') return controlFaults(request, response);
    if (request.method !== 'POST' || path !== '/') {
      return awsError(response, 404, 'UnknownOperationException', 'Not an EventBridge operation');
    }
    const body = await readBody(request);
    if (body === undefined) {
      return awsError(response, 413, 'ValidationException', 'Request body is too large');
    }
    if (faults.requests > 0) {
      faults.requests -= 1;
      const statusCode = faults.requestStatusCode;
      return statusCode >= 500
        ? awsError(response, statusCode, 'InternalException', 'Injected failure')
        : awsError(response, statusCode, 'ValidationException', 'Injected failure');
    }
    const target = request.headers['x-amz-target'];
    if (target !== 'AWSEvents.PutEvents') {
      return awsError(response, 400, 'UnknownOperationException', `Unknown target ${target}`);
    }
    return putEvents(body, response);
  }

  function putEvents(body: string, response: ServerResponse) {
    const parsed = parseJsonObject(body);
    const entries = parsed?.Entries;
    if (!Array.isArray(entries) || entries.length === 0) {
      return awsError(response, 400, 'ValidationException', 'Entries must be a non-empty list');
    }
    if (entries.length > MAX_ENTRIES) {
      return awsError(
        response,
        400,
        'ValidationException',
        `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to ${MAX_ENTRIES}`,
      );
    }
    const totalBytes = entries.reduce((sum: number, entry) => sum + entrySize(entry), 0);
    if (totalBytes > MAX_REQUEST_ENTRY_BYTES) {
      return awsError(
        response,
        400,
        'ValidationException',
        `Total size of the entries in the request is over the limit (${totalBytes} > ${MAX_REQUEST_ENTRY_BYTES} bytes)`,
      );
    }
    const results = entries.map((entry: unknown) => acceptEntry(entry));
    const failed = results.filter((result) => 'ErrorCode' in result).length;
    return sendJson(response, 200, { FailedEntryCount: failed, Entries: results });
  }

  function acceptEntry(entry: unknown): Record<string, string> {
    if (faults.entries > 0) {
      faults.entries -= 1;
      return { ErrorCode: faults.entryErrorCode, ErrorMessage: 'Injected entry failure' };
    }
    const fields = entry && typeof entry === 'object' ? (entry as Record<string, unknown>) : {};
    const { Source, DetailType, Detail, EventBusName, Resources, Time } = fields;
    if (typeof Source !== 'string' || typeof DetailType !== 'string' || Source === '') {
      return {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter(s) Source or DetailType are not valid.',
      };
    }
    const detail = typeof Detail === 'string' ? parseJsonObject(Detail) : undefined;
    if (!detail) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    const eventId = randomUUID();
    const event: ReceivedEvent = {
      eventId,
      eventBusName: typeof EventBusName === 'string' ? EventBusName : 'default',
      source: Source,
      detailType: DetailType,
      detail,
      resources: Array.isArray(Resources) ? Resources.map(String) : [],
      time: (typeof Time === 'number' ? new Date(Time * 1000) : new Date()).toISOString(),
    };
    events.push(event);
    options.onEvent?.(event);
    return { EventId: eventId };
  }

  async function controlEvents(request: IncomingMessage, response: ServerResponse) {
    if (request.method === 'GET') return sendJson(response, 200, { events });
    if (request.method === 'DELETE') {
      control.clear();
      return sendJson(response, 200, { cleared: true });
    }
    return sendJson(response, 405, { message: 'GET or DELETE' });
  }

  async function controlFaults(request: IncomingMessage, response: ServerResponse) {
    if (request.method !== 'POST') return sendJson(response, 405, { message: 'POST' });
    const body = parseJsonObject((await readBody(request)) ?? '');
    const entries = body?.failNextEntries as { count?: unknown; errorCode?: unknown } | undefined;
    const requests = body?.failNextRequests as
      | { count?: unknown; statusCode?: unknown }
      | undefined;
    if (!isCount(entries?.count) && !isCount(requests?.count)) {
      return sendJson(response, 400, {
        message:
          'Send {"failNextEntries":{"count":1,"errorCode":"InternalFailure"}} and/or {"failNextRequests":{"count":1,"statusCode":500}}',
      });
    }
    if (isCount(entries?.count)) {
      control.failNextEntries(
        entries.count,
        typeof entries.errorCode === 'string' ? entries.errorCode : undefined,
      );
    }
    if (isCount(requests?.count)) {
      control.failNextRequests(
        requests.count,
        typeof requests.statusCode === 'number' ? requests.statusCode : undefined,
      );
    }
    return sendJson(response, 200, { faults });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    events,
    ...control,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** EventBridge's documented entry size: Time (14 bytes) plus UTF-8 text of the other fields. */
function entrySize(entry: unknown): number {
  if (!entry || typeof entry !== 'object') return 0;
  const { Time, Source, DetailType, Detail, Resources } = entry as Record<string, unknown>;
  const texts = [Source, DetailType, Detail, ...(Array.isArray(Resources) ? Resources : [])];
  return texts.reduce(
    (sum: number, text) => sum + (typeof text === 'string' ? Buffer.byteLength(text, 'utf8') : 0),
    Time === undefined ? 0 : 14,
  );
}

/** The body as text, or undefined when it exceeds the limit. */
async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of request) {
    bytes += (chunk as Buffer).length;
    if (bytes > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function awsError(response: ServerResponse, statusCode: number, type: string, message: string) {
  response.writeHead(statusCode, {
    'content-type': JSON_1_1,
    'x-amzn-errortype': type,
    'x-amzn-requestid': randomUUID(),
  });
  response.end(JSON.stringify({ __type: type, message }));
}

function sendJson(response: ServerResponse, statusCode: number, body: unknown) {
  response.writeHead(statusCode, { 'content-type': JSON_1_1, 'x-amzn-requestid': randomUUID() });
  response.end(JSON.stringify(body));
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
