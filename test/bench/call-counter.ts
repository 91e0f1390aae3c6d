import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A local endpoint in front of another that forwards every request and names each one. */
export interface CountingProxy {
  readonly url: string;
  /** The AWS operation of each request (`x-amz-target` without its prefix), in order. */
  readonly calls: string[];
  stop(): Promise<void>;
}

/**
 * Counts the AWS calls our code makes, at the wire: what the SDK's own retries add is counted
 * too. Point `AWS_ENDPOINT_URL_*` at it.
 */
export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const calls: string[] = [];
  const upstream = new URL(target);
  const server = createServer((incoming, outgoing) => {
    const operation = String(incoming.headers['x-amz-target'] ?? incoming.method);
    calls.push(operation.replace(/^.*\./, ''));
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
    calls,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
