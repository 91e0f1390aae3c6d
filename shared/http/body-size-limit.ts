import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { UnreadableRequestError } from '../errors.ts';

/** Rejects bodies over `maxBytes` with 413 before anything parses them. */
export function bodySizeLimit(maxBytes: number): MiddlewareObj<APIGatewayProxyEventV2> {
  return {
    before: ({ event }) => {
      if (!event.body) return;
      const bytes = event.isBase64Encoded
        ? Buffer.byteLength(event.body, 'base64')
        : Buffer.byteLength(event.body, 'utf8');
      if (bytes > maxBytes) {
        throw new UnreadableRequestError(`Request body is larger than ${maxBytes} bytes`, 413);
      }
    },
  };
}
