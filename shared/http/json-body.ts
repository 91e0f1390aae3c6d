import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { UnreadableRequestError } from '../errors.ts';

const JSON_CONTENT_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** Deeper than any valid body; deeper ones are refused before anything walks them recursively. */
export const MAX_JSON_DEPTH = 16;

/** Decodes strictly: a byte sequence that is not UTF-8 throws instead of becoming U+FFFD. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Replaces `event.body` with the parsed JSON, or leaves it undefined when the request has no body
 * (which a command reads as `{}`; a literal `null` is a body, and not an empty one). Refuses,
 * before anything else runs: a body over `maxBytes` (413), a content type that is not JSON or a
 * charset other than UTF-8 (415, naming it), bytes that are not UTF-8 (400), malformed JSON (400),
 * JSON nested deeper than `maxDepth` (400) and JSON that is not an object (400: every body of the
 * merchant API is one). The messages never quote the body, which carries
 * personal data.
 */
export function jsonBody(
  maxBytes: number,
  maxDepth = MAX_JSON_DEPTH,
): MiddlewareObj<APIGatewayProxyEventV2> {
  return {
    before: (request) => {
      const { event } = request;
      const raw = event.body ?? '';
      if (raw === '') {
        (event as { body: unknown }).body = undefined;
        return;
      }
      const bytes = Buffer.from(raw, event.isBase64Encoded ? 'base64' : 'utf8');
      if (bytes.length > maxBytes) {
        throw new UnreadableRequestError(
          `Request body is larger than ${maxBytes} bytes`,
          'body-too-large',
        );
      }
      const contentType = event.headers['content-type'] ?? '';
      if (!JSON_CONTENT_TYPE.test(contentType)) {
        throw new UnreadableRequestError(
          'Content-Type must be application/json',
          'unsupported-media-type',
        );
      }
      const charset = charsetOf(contentType);
      if (charset !== undefined && charset.toLowerCase() !== 'utf-8') {
        throw new UnreadableRequestError(
          `Content-Type charset ${charset} is not supported: send UTF-8`,
          'unsupported-media-type',
        );
      }
      let text: string;
      try {
        text = UTF8.decode(bytes);
      } catch {
        throw new UnreadableRequestError('Request body is not valid UTF-8', 'body-not-json');
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new UnreadableRequestError('Request body is not valid JSON', 'body-not-json');
      }
      if (depthOf(body) > maxDepth) {
        throw new UnreadableRequestError(
          `Request body is nested deeper than ${maxDepth}`,
          'body-not-json',
        );
      }
      if (!isJsonObject(body)) {
        throw new UnreadableRequestError(
          `Request body must be a JSON object, not ${jsonKindOf(body)}`,
          'body-not-object',
        );
      }
      (event as { body: unknown }).body = body;
    },
  };
}

/**
 * The `charset` parameter of a Content-Type, unquoted (RFC 9110: case-insensitive name), cut to a
 * length fit for an error message.
 */
function charsetOf(contentType: string): string | undefined {
  const match = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(contentType);
  const charset = match?.[1] ?? match?.[2];
  return charset === undefined ? undefined : charset.slice(0, 40);
}

/** Nesting depth of parsed JSON (a scalar is 0), walked without recursion. */
export function depthOf(value: unknown): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[value, 0]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [item, depth] = next;
    if (item === null || typeof item !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    for (const child of Object.values(item)) pending.push([child, depth + 1]);
  }
  return deepest;
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What a JSON value that is not an object is, for the message (never the value itself). */
function jsonKindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
