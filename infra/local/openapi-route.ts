import type { IncomingMessage, ServerResponse } from 'node:http';
import { committedOpenApiText } from '../openapi/openapi-file.ts';

/** Where the local API serves the merchant API's OpenAPI document. */
export const OPENAPI_ROUTE = '/openapi.json';

/**
 * `GET /openapi.json`: the committed docs/openapi.json, for tools that import a document by URL
 * (Swagger UI, Postman, client generators). Read once, at start.
 */
export function createOpenApiRoute() {
  const text = committedOpenApiText();
  return async (request: IncomingMessage, response: ServerResponse): Promise<boolean> => {
    const path = (request.url ?? '/').split('?')[0];
    if (path !== OPENAPI_ROUTE || request.method !== 'GET') return false;
    response.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
    });
    response.end(text);
    return true;
  };
}
