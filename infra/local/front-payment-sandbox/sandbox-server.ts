import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { renderResultPage } from './checkout-page.ts';
import { handleCheckout } from './checkout-routes.ts';
import { handleConnectApi } from './connect-api.ts';
import { handleControlApi } from './control-api.ts';
import { internalError } from './envelope.ts';
import { readBody, sendHtml, sendJson } from './http-io.ts';
import type { SandboxContext, SandboxRequest } from './sandbox-context.ts';

/** The sandbox's HTTP server: reads each body (bounded), then hands the request to its area. */
export function createSandboxServer(context: SandboxContext): Server {
  return createServer((incoming, response) => {
    serve(context, incoming, response).catch((error: unknown) => {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      const envelope = internalError(
        [error instanceof Error ? error.message : 'unknown'],
        new Date(),
      );
      sendJson(response, envelope.statusCode, envelope.body);
    });
  });
}

async function serve(
  context: SandboxContext,
  incoming: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const { pathname } = new URL(incoming.url ?? '/', 'http://sandbox.invalid');
  const request: SandboxRequest = {
    incoming,
    response,
    method: incoming.method ?? 'GET',
    pathname,
    body: await readBody(incoming, context.bodyLimitBytes),
  };
  if (pathname.startsWith('/api/v1/connect/')) return handleConnectApi(context, request);
  if (pathname.startsWith('/checkout/')) return handleCheckout(context, request);
  if (pathname.startsWith('/_sandbox/')) return handleControlApi(context, request);
  sendHtml(
    response,
    404,
    renderResultPage({
      title: 'Front Payment sandbox',
      heading: 'Front Payment sandbox',
      message:
        'The API lives under /api/v1/connect/, checkout pages under /checkout/, controls under /_sandbox/.',
      testId: 'not-found',
    }),
  );
}
