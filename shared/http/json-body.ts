import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { UnreadableRequestError } from '../errors.ts';

const JSON_CONTENT_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * Replaces `event.body` with the parsed JSON. Refuses, before anything else runs: a body over
 * `maxBytes` (413), a content type that is not JSON (415), and malformed JSON (400). The messages
 * never quote the body, which carries personal data.
 */
export function jsonBody(maxBytes: number): MiddlewareObj<APIGatewayProxyEventV2> {
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
      try {
        (event as { body: unknown }).body = JSON.parse(text);
      } catch {
        throw new UnreadableRequestError('Request body is not valid JSON', 400);
      }
    },
  };
}
