import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ReceivedEvent } from '../event-bridge-stand-in.ts';
import type { EventDelivery } from '../event-forwarding/event-forwarder.ts';
import { type FiredEvent, FireEventError } from '../event-forwarding/fire-event.ts';
import { type ConsoleLinks, renderConsolePage } from './console-page.ts';
import { type CustomerActivityReader, withCustomerActivity } from './customer-activity.ts';
import { summarizeEvent } from './event-summary.ts';
import type { RequestLog } from './request-log.ts';
import { readReservations } from './reservation-history.ts';
import { renderReturnPage } from './return-page.ts';

export interface ConsoleOptions {
  readonly documents: DynamoDBDocumentClient;
  readonly reservationsTableName: string;
  /** The events the local EventBridge received, oldest first. */
  readonly events: () => readonly ReceivedEvent[];
  /** The customer's card and declined payments, from Front Payment's history. */
  readonly customerActivity?: CustomerActivityReader;
  /** Calls to the API's functions, for the request log (`GET /_local/log`). */
  readonly requestLog?: RequestLog;
  /** The reconciler's last runs, newest last. */
  readonly reconcilerRuns?: () => readonly object[];
  /** Deliveries of forwarded events (FORWARD_EVENTS_TO), oldest first. */
  readonly deliveries?: () => readonly EventDelivery[];
  /** Puts a chosen event for a reservation on the bus (`npm run fire`). */
  readonly fire?: (reservationId: string, event: string) => Promise<FiredEvent>;
  readonly links: ConsoleLinks;
}

export const CONSOLE_PREFIX = '/_local';

/**
 * The local-only routes under `/_local/`: the console page, its JSON, the page the checkout
 * returns to, and the stack's URLs (for `npm run demo`). Answers false for any other path.
 * Requests that came through a tunnel or proxy get 404: only this machine sees the console.
 */
export function createConsoleRoutes(options: ConsoleOptions) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<boolean> => {
    const url = new URL(request.url ?? '/', 'http://local');
    if (url.pathname !== CONSOLE_PREFIX && !url.pathname.startsWith(`${CONSOLE_PREFIX}/`)) {
      return false;
    }
    if (cameThroughProxy(request)) {
      // A tunnel for Front Payment's callbacks must not publish the console to the internet.
      send(response, 404, 'application/json', JSON.stringify({ message: 'Not Found' }));
      return true;
    }
    if (url.pathname === `${CONSOLE_PREFIX}/fire` && request.method === 'POST' && options.fire) {
      await fire(request, response, options.fire);
      return true;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      send(response, 405, 'application/json', JSON.stringify({ message: 'Method Not Allowed' }));
      return true;
    }
    switch (url.pathname) {
      case CONSOLE_PREFIX:
        response.writeHead(308, { location: `${CONSOLE_PREFIX}/`, 'content-length': 0 });
        response.end();
        return true;
      case `${CONSOLE_PREFIX}/`:
        send(response, 200, 'text/html; charset=utf-8', renderConsolePage(options.links));
        return true;
      case `${CONSOLE_PREFIX}/reservations`: {
        const read = await readReservations(options.documents, options.reservationsTableName);
        sendJson(
          response,
          options.customerActivity
            ? {
                ...read,
                reservations: await withCustomerActivity(
                  read.reservations,
                  options.customerActivity,
                ),
              }
            : read,
        );
        return true;
      }
      case `${CONSOLE_PREFIX}/reconciler`:
        sendJson(response, { runs: options.reconcilerRuns?.() ?? [] });
        return true;
      case `${CONSOLE_PREFIX}/events`:
        sendJson(response, {
          events: options.events().map((event) => ({ ...event, summary: summarizeEvent(event) })),
        });
        return true;
      case `${CONSOLE_PREFIX}/log`:
        sendJson(response, { lines: options.requestLog?.lines(options.events()) ?? [] });
        return true;
      case `${CONSOLE_PREFIX}/deliveries`:
        sendJson(response, { deliveries: options.deliveries?.() ?? [] });
        return true;
      case `${CONSOLE_PREFIX}/stack`:
        sendJson(response, options.links);
        return true;
      case `${CONSOLE_PREFIX}/return`:
        send(response, 200, 'text/html; charset=utf-8', renderReturnPage(url.searchParams));
        return true;
      default:
        send(response, 404, 'application/json', JSON.stringify({ message: 'Not Found' }));
        return true;
    }
  };
}

/** `POST /_local/fire` with `{"reservationId":"…","event":"captured"}`: 201 with the event. */
async function fire(
  request: IncomingMessage,
  response: ServerResponse,
  fireEvent: NonNullable<ConsoleOptions['fire']>,
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  let body: { reservationId?: unknown; event?: unknown } = {};
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8')) ?? {};
  } catch {
    return sendError(response, 400, 'body: must be JSON {"reservationId":"…","event":"…"}');
  }
  if (typeof body.reservationId !== 'string' || body.reservationId === '') {
    return sendError(response, 400, 'reservationId: required');
  }
  if (typeof body.event !== 'string' || body.event === '') {
    return sendError(response, 400, 'event: required');
  }
  try {
    send(
      response,
      201,
      'application/json',
      JSON.stringify(await fireEvent(body.reservationId, body.event)),
    );
  } catch (error) {
    if (!(error instanceof FireEventError)) throw error;
    sendError(response, error.statusCode, error.message);
  }
}

function sendError(response: ServerResponse, status: number, message: string): void {
  send(response, status, 'application/json', JSON.stringify({ message }));
}

/** Tunnels (cloudflared, ngrok) and proxies add these; a browser on this machine does not. */
const PROXY_HEADERS = ['x-forwarded-for', 'forwarded', 'cf-connecting-ip', 'x-real-ip'];

function cameThroughProxy(request: IncomingMessage): boolean {
  return PROXY_HEADERS.some((name) => request.headers[name] !== undefined);
}

function sendJson(response: ServerResponse, body: unknown): void {
  send(response, 200, 'application/json', JSON.stringify(body));
}

function send(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    // Live data: never cached.
    'cache-control': 'no-store',
  });
  response.end(body);
}
