import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { UnreadableRequestError } from '../errors.ts';

const JSON_CONTENT_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** Deeper than any valid body; deeper ones are refused before anything walks them recursively. */
export const MAX_JSON_DEPTH = 16;

/**
 * Replaces `event.body` with the parsed JSON. Refuses, before anything else runs: a body over
 * `maxBytes` (413), a content type that is not JSON (415), malformed JSON (400) and JSON nested
 * deeper than `maxDepth` (400). The messages never quote the body, which carries personal data.
 */
export function jsonBody(
  maxBytes: number,
  maxDepth = MAX_JSON_DEPTH,
): MiddlewareObj<APIGatewayProxyEventV2> {
  return {
    before: (request) => {
      const { event } = request;
      const raw = event.body ?? '';
      const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
      if (Buffer.byteLength(text, 'utf8') > maxBytes) {
        throw new UnreadableRequestError(`Request body is larger than ${maxBytes} bytes`, 413);
      }
      if (!JSON_CONTENT_TYPE.test(event.headers['content-type'] ?? '')) {
        throw new UnreadableRequestError('Content-Type must be application/json', 415);
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new UnreadableRequestError('Request body is not valid JSON', 400);
      }
      if (depthOf(body) > maxDepth) {
        throw new UnreadableRequestError(`Request body is nested deeper than ${maxDepth}`, 400);
      }
      (event as { body: unknown }).body = body;
    },
  };
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
