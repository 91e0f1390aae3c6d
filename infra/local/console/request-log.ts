import type { ReceivedEvent } from '../event-bridge-stand-in.ts';
import type { AccessLogEntry } from '../lambda-http-server.ts';
import { maskPersonalData } from './personal-data-mask.ts';

/** A body as the request log shows it: JSON with personal data masked, or why it is not shown. */
export type ShownBody = { readonly json: unknown } | { readonly note: string };

/** One call to the local API, as the console's request log shows it. */
export interface LoggedRequest {
  readonly kind: 'request';
  /** When the answer was sent (ISO). */
  readonly at: string;
  readonly method: string;
  readonly path: string;
  readonly statusCode: number;
  readonly durationMs: number;
  readonly functionName: string | null;
  readonly error: string | null;
  readonly requestBody: ShownBody | null;
  readonly responseBody: ShownBody | null;
}

/** One event on the bus, with its whole detail (events carry no personal data). */
export interface LoggedEvent {
  readonly kind: 'event';
  readonly at: string;
  readonly event: ReceivedEvent;
}

export type LogLine = LoggedRequest | LoggedEvent;

/** Requests kept: a busy afternoon of local work, a few MB at most. */
export const REQUEST_LOG_CAPACITY = 200;
/** Larger bodies are summarised, not shown. */
const MAX_SHOWN_BODY_BYTES = 16 * 1024;

export interface RequestLog {
  /** Keeps a request the API answered; the oldest goes once the log is full. */
  record(entry: AccessLogEntry): void;
  /** Requests and the bus's events, oldest first, at most `REQUEST_LOG_CAPACITY` of each. */
  lines(events: readonly ReceivedEvent[]): LogLine[];
}

/**
 * The console's request log, like a payments dashboard's logs page: each call to the local API's
 * functions with its bodies (personal data masked), and each event with its full detail. Kept in
 * memory and bounded; the console's own polling is not logged.
 */
export function createRequestLog(
  options: { readonly capacity?: number; readonly now?: () => Date } = {},
): RequestLog {
  const capacity = options.capacity ?? REQUEST_LOG_CAPACITY;
  const now = options.now ?? (() => new Date());
  const requests: LoggedRequest[] = [];
  return {
    record(entry) {
      if (!entry.functionName) return;
      requests.push({
        kind: 'request',
        at: now().toISOString(),
        method: entry.method,
        path: entry.path,
        statusCode: entry.statusCode,
        durationMs: entry.durationMs,
        functionName: entry.functionName,
        error: entry.error ?? null,
        requestBody: shownBody(entry.requestBody),
        responseBody: shownBody(entry.responseBody),
      });
      requests.splice(0, Math.max(0, requests.length - capacity));
    },
    lines(events) {
      const logged: LogLine[] = [
        ...requests,
        ...events
          .slice(-capacity)
          .map((event) => ({ kind: 'event' as const, at: event.time, event })),
      ];
      return logged.sort((a, b) => a.at.localeCompare(b.at));
    },
  };
}

function shownBody(body: Buffer | undefined): ShownBody | null {
  if (!body || body.length === 0) return null;
  if (body.length > MAX_SHOWN_BODY_BYTES)
    return { note: `${body.length} bytes: too large to show` };
  try {
    return { json: maskPersonalData(JSON.parse(body.toString('utf8'))) };
  } catch {
    // Text we cannot read field by field could hold personal data anywhere.
    return { note: `${body.length} bytes, not JSON: not shown, it may hold personal data` };
  }
}
