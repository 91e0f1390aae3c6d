import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createLambdaContext } from '../lambda-context.ts';
import type { EventBridgeEnvelope } from './event-envelope.ts';

/** Where forwarded events go: an HTTP endpoint or a Lambda handler in a local file. */
export interface ForwardTarget {
  /** As configured, e.g. `http://127.0.0.1:5000/hook` or `./consumer.ts#handler`. */
  readonly name: string;
  /** One try. `result` is the HTTP status or the handler's error, for the console and log. */
  deliver(
    envelope: EventBridgeEnvelope,
  ): Promise<{ readonly ok: boolean; readonly result: string }>;
}

/** A consumer that does not answer within this is a failed try (retried). */
const DELIVERY_TIMEOUT_MS = 10_000;

/**
 * Reads `FORWARD_EVENTS_TO` entries: an `http(s)://` URL gets the envelope as a JSON POST (2xx
 * is success); anything else is a module path, relative to `cwd`, with `#exportName` (default
 * `handler`). The module is imported now, so a wrong path or export fails at start, not later.
 */
export async function loadForwardTarget(text: string, cwd: string): Promise<ForwardTarget> {
  if (/^https?:\/\//i.test(text)) {
    const url = new URL(text);
    return { name: text, deliver: (envelope) => postEnvelope(url, envelope) };
  }
  const [path = '', exportName = 'handler'] = text.split('#');
  const file = resolve(cwd, path);
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new TypeError(`FORWARD_EVENTS_TO: cannot import ${file}: ${messageOf(error)}`);
  }
  const handler = module[exportName];
  if (typeof handler !== 'function') {
    throw new TypeError(`FORWARD_EVENTS_TO: ${file} exports no function named ${exportName}`);
  }
  const functionName = `${basename(file).replace(/\.[^.]+$/, '')}-${exportName}`;
  return {
    name: text,
    async deliver(envelope) {
      // As a rule's Lambda target is invoked: the event, a context, and a thrown error fails.
      const context = createLambdaContext({ functionName, timeoutMs: DELIVERY_TIMEOUT_MS });
      try {
        await handler(envelope, context);
        return { ok: true, result: 'ok' };
      } catch (error) {
        return { ok: false, result: messageOf(error) };
      }
    },
  };
}

async function postEnvelope(url: URL, envelope: EventBridgeEnvelope) {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(envelope),
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    await response.body?.cancel();
    return { ok: response.ok, result: String(response.status) };
  } catch (error) {
    return { ok: false, result: messageOf(error) };
  }
}

function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // fetch's "fetch failed" hides the reason (ECONNREFUSED…) in its cause.
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.name}: ${error.message}${cause}`;
}
