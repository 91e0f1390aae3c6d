import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A local endpoint in front of another that forwards every request and names each one. */
export interface CountingProxy {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Counts the calls our code makes, at the wire: what the SDK's own retries add is counted too.
 * Each request is appended to `log` as `nameOf(request)` when it arrives; several proxies may
 * share one log, so the calls of one path read in the order they were made. Point
 * `AWS_ENDPOINT_URL_*` (or Front Payment's base URL) at it.
 */
export async function startCountingProxy(
  target: string,
  log: string[],
  nameOf: (request: IncomingMessage) => string,
): Promise<CountingProxy> {
  const upstream = new URL(target);
  const server = createServer((incoming, outgoing) => {
    log.push(nameOf(incoming));
    const forwarded = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forwarded.on('error', () => outgoing.destroy());
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** `DynamoDB GetItem`, `EventBridge PutEvents`: the service and the operation of an AWS call. */
export function awsCallName(service: string) {
  return (request: IncomingMessage) =>
    `${service} ${String(request.headers['x-amz-target'] ?? request.method).replace(/^.*\./, '')}`;
}

/** `Front Payment details`: the operation of a Connect API call (`…/reservations/details/RES…`). */
export function frontPaymentCallName(request: IncomingMessage): string {
  const path = request.url ?? '';
  return `Front Payment ${/\/reservations\/([a-z-]+)/.exec(path)?.[1] ?? path}`;
}
