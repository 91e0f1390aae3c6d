import type { ServerResponse } from 'node:http';

/** What a Lambda behind an HTTP API answered, read the way API Gateway (payload 2.0) reads it. */
export interface HttpApiResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly cookies: readonly string[];
  readonly body: Buffer;
}

/**
 * A result with `statusCode` is used as given (headers, cookies, a base64 body decoded). Anything
 * else is "format inference": 200, JSON content type, the value as the body (a string as is).
 */
export function fromHandlerResult(result: unknown): HttpApiResponse {
  if (isStructured(result)) {
    const headers = Object.fromEntries(
      Object.entries(result.headers ?? {}).map(([name, value]) => [
        name.toLowerCase(),
        String(value),
      ]),
    );
    const text = typeof result.body === 'string' ? result.body : '';
    return {
      statusCode: result.statusCode,
      headers,
      cookies: Array.isArray(result.cookies) ? result.cookies.map(String) : [],
      body: Buffer.from(text, result.isBase64Encoded === true ? 'base64' : 'utf8'),
    };
  }
  const body =
    result === undefined ? '' : typeof result === 'string' ? result : JSON.stringify(result);
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    cookies: [],
    body: Buffer.from(body, 'utf8'),
  };
}

/** API Gateway's answer when the function failed (threw or timed out): nothing of the error leaks. */
export const INTERNAL_SERVER_ERROR: HttpApiResponse = {
  statusCode: 500,
  headers: { 'content-type': 'application/json' },
  cookies: [],
  body: Buffer.from('{"message":"Internal Server Error"}'),
};

/** API Gateway's answer when no route matches (HTTP APIs answer 404 for a wrong method too). */
export const NOT_FOUND: HttpApiResponse = {
  statusCode: 404,
  headers: { 'content-type': 'application/json' },
  cookies: [],
  body: Buffer.from('{"message":"Not Found"}'),
};

export function writeHttpApiResponse(
  response: ServerResponse,
  answer: HttpApiResponse,
  requestId: string,
): void {
  response.statusCode = answer.statusCode;
  for (const [name, value] of Object.entries(answer.headers)) response.setHeader(name, value);
  if (answer.cookies.length > 0) response.setHeader('set-cookie', [...answer.cookies]);
  // API Gateway's own request id header, handy to find the request in the logs.
  response.setHeader('apigw-requestid', requestId);
  response.setHeader('content-length', answer.body.length);
  response.end(answer.body);
}

interface StructuredResult {
  readonly statusCode: number;
  readonly headers?: Readonly<Record<string, unknown>>;
  readonly cookies?: readonly unknown[];
  readonly body?: unknown;
  readonly isBase64Encoded?: unknown;
}

function isStructured(result: unknown): result is StructuredResult {
  return (
    typeof result === 'object' &&
    result !== null &&
    'statusCode' in result &&
    typeof result.statusCode === 'number'
  );
}
