import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the proxy received it, its body as text. */
export interface ProxiedRequest {
  readonly method: string;
  /** Path and query string. */
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/**
 * What an armed fault does to a request it matches:
 * - `refuse`: answers `status` and `body` itself; the service never sees the request;
 * - `drop-before`: closes the connection; the service never sees the request;
 * - `lose-answer`: the service carries the request out, then the caller gets `status` and `body`
 *   instead of the service's answer (a gateway failing after the work was done);
 * - `drop-after`: the service carries the request out, then the connection is closed unanswered.
 */
export type FaultAction =
  | {
      readonly kind: 'refuse' | 'lose-answer';
      readonly status: number;
      readonly body: string;
      readonly contentType: string;
    }
  | { readonly kind: 'drop-before' | 'drop-after' };

export interface ArmedFault {
  /** Named in the exchange log. */
  readonly name: string;
  readonly matches: (request: ProxiedRequest) => boolean;
  readonly action: FaultAction;
  /** Matching requests it applies to, in order of arrival. @default 1 */
  readonly times?: number;
}

/** One request through the proxy and what became of it. */
export interface ProxyExchange extends ProxiedRequest {
  /** Whether the service received the request. */
  readonly forwarded: boolean;
  /** The service's answer (undefined when not forwarded or the service failed to answer). */
  readonly serviceStatus: number | undefined;
  readonly serviceBody: string | undefined;
  /** The armed fault that applied, by name. */
  readonly fault: string | undefined;
}

export interface RunningFaultProxy {
  readonly url: string;
  /** Every request that went through, in order of completion. */
  readonly exchanges: readonly ProxyExchange[];
  arm(fault: ArmedFault): void;
  /** Forgets faults not used up yet. */
  disarm(): void;
  stop(): Promise<void>;
}

/**
 * An HTTP proxy in front of a local service (DynamoDB Local, the Front Payment sandbox) that lets
 * a test fail chosen requests on the wire, before or after the service acted, while the code under
 * test keeps its real SDK clients and HTTP clients. It keeps a log of every exchange.
 */
export async function startFaultProxy(target: string): Promise<RunningFaultProxy> {
  const targetUrl = new URL(target);
  const exchanges: ProxyExchange[] = [];
  const armed: { fault: ArmedFault; remaining: number }[] = [];

  const take = (request: ProxiedRequest): ArmedFault | undefined => {
    const index = armed.findIndex((entry) => entry.fault.matches(request));
    const entry = armed[index];
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) armed.splice(index, 1);
    return entry.fault;
  };

  const server = createServer((incoming, response) => {
    serve(incoming, response).catch(() => response.destroy());
  });

  async function serve(incoming: IncomingMessage, response: ServerResponse) {
    const body = await readAll(incoming);
    const request: ProxiedRequest = {
      method: incoming.method ?? 'GET',
      path: incoming.url ?? '/',
      headers: incoming.headers,
      body: body.toString('utf8'),
    };
    const fault = take(request);
    const log = (entry: Omit<ProxyExchange, keyof ProxiedRequest | 'fault'>) =>
      exchanges.push({ ...request, ...entry, fault: fault?.name });
    const action = fault?.action;
    if (action?.kind === 'drop-before') {
      log({ forwarded: false, serviceStatus: undefined, serviceBody: undefined });
      return void response.socket?.destroy();
    }
    if (action?.kind === 'refuse') {
      log({ forwarded: false, serviceStatus: undefined, serviceBody: undefined });
      return answer(response, action.status, action.contentType, action.body);
    }
    const served = await forward(request, body).catch(() => undefined);
    log({
      forwarded: true,
      serviceStatus: served?.status,
      serviceBody: served?.body.toString('utf8'),
    });
    if (action?.kind === 'drop-after' || !served) return void response.socket?.destroy();
    if (action?.kind === 'lose-answer') {
      const { status, contentType, body: text } = action;
      return answer(response, status, contentType, text);
    }
    response.writeHead(served.status, served.headers);
    response.end(served.body);
  }

  function forward(request: ProxiedRequest, body: Buffer) {
    return new Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }>(
      (resolve, reject) => {
        const outgoing = httpRequest(
          {
            host: targetUrl.hostname,
            port: targetUrl.port,
            method: request.method,
            path: request.path,
            headers: { ...request.headers, host: targetUrl.host },
            agent: false,
          },
          (served) => {
            readAll(served).then(
              (bytes) =>
                resolve({ status: served.statusCode ?? 502, headers: served.headers, body: bytes }),
              reject,
            );
          },
        );
        outgoing.once('error', reject);
        outgoing.end(body);
      },
    );
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    exchanges,
    arm: (fault) => armed.push({ fault, remaining: fault.times ?? 1 }),
    disarm: () => {
      armed.length = 0;
    },
    stop: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}

function answer(response: ServerResponse, status: number, contentType: string, body: string) {
  response.writeHead(status, { 'content-type': contentType });
  response.end(body);
}
