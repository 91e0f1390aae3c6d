import type { IncomingMessage, ServerResponse } from 'node:http';

export type ReadBody =
  | { readonly tooLarge: false; readonly bytes: Buffer }
  | { readonly tooLarge: true };

/**
 * Reads the whole body, keeping at most `limitBytes`. A larger body is drained, not kept, so the
 * client still gets the 413 answer instead of a reset connection.
 */
export function readBody(request: IncomingMessage, limitBytes: number): Promise<ReadBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limitBytes) chunks.push(chunk);
    });
    request.once('end', () =>
      resolve(
        size > limitBytes ? { tooLarge: true } : { tooLarge: false, bytes: Buffer.concat(chunks) },
      ),
    );
    request.once('error', reject);
  });
}

/** Laravel reads a JSON body only when the content type says JSON (`isJson()`). */
export function isJsonContentType(request: IncomingMessage): boolean {
  const type = request.headers['content-type'] ?? '';
  return /\/json|\+json/i.test(type);
}

export function sendJson(response: ServerResponse, statusCode: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(statusCode, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-cache, private',
  });
  response.end(text);
}

export function sendHtml(response: ServerResponse, statusCode: number, html: string): void {
  response.writeHead(statusCode, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
  });
  response.end(html);
}

export function sendNoContent(response: ServerResponse): void {
  response.writeHead(204);
  response.end();
}

/** 303 See Other: the browser follows a form POST with a GET. */
export function redirectSeeOther(response: ServerResponse, location: string): void {
  response.writeHead(303, { location, 'content-length': 0 });
  response.end();
}

/** Parsed JSON, or `undefined` with `malformed` when the text is not JSON. */
export function parseJson(text: string): { readonly malformed: boolean; readonly value: unknown } {
  if (text.trim() === '') return { malformed: false, value: undefined };
  try {
    return { malformed: false, value: JSON.parse(text) };
  } catch {
    return { malformed: true, value: undefined };
  }
}
