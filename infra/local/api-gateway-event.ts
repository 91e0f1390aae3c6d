import { isUtf8 } from 'node:buffer';
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** The account id API Gateway puts in local events; never a real account. */
export const LOCAL_ACCOUNT_ID = '000000000000';

/**
 * The caller every authorized local request comes from: `npm start` has no SigV4 or JWT, so the
 * local API Gateway stands in for the IAM authorizer with this one principal.
 */
export const LOCAL_CALLER_ARN = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:user/local-merchant`;

/**
 * The request context's `authorizer` for an IAM-authorized route, as API Gateway fills it in:
 * an assumed role's `userId`/`callerId` are its unique id (`AROA…`) and the session name, a
 * user's are its unique id (`AIDA…`). The ids here are stable stand-ins derived from the name.
 */
export function iamAuthorizerContext(userArn: string) {
  const accountId = userArn.split(':')[4] ?? LOCAL_ACCOUNT_ID;
  const assumedRole = /:assumed-role\/([^/]+)\/(.+)$/.exec(userArn);
  const userId = assumedRole
    ? `AROA${uniqueIdOf(assumedRole[1] ?? '')}:${assumedRole[2]}`
    : `AIDA${uniqueIdOf(userArn)}`;
  return {
    iam: {
      accessKey: assumedRole ? 'ASIALOCAL' : 'AKIALOCAL',
      accountId,
      callerId: userId,
      principalOrgId: null,
      userArn,
      userId,
    },
  };
}

/** 17 upper-case characters, like the rest of an IAM unique id. */
function uniqueIdOf(name: string): string {
  return createHash('sha256').update(name).digest('hex').slice(0, 17).toUpperCase();
}

export interface HttpApiEventOptions {
  /** The matched route, e.g. `POST /reservations`. */
  readonly routeKey: string;
  /** @default a random UUID, as API Gateway's request id */
  readonly requestId?: string;
  /** @default now */
  readonly receivedAt?: Date;
  /** The IAM principal of an authorized route; absent for a public one. */
  readonly callerArn?: string;
  /** The route's `{name}` segments, as API Gateway passes them. */
  readonly pathParameters?: Readonly<Record<string, string>>;
}

/**
 * Turns a Node HTTP request into the API Gateway HTTP API (payload format 2.0) event AWS
 * delivers: `rawQueryString` exactly as sent (the callback checksum depends on its order and
 * encoding), lower-case headers with repeated ones joined by commas, the `cookie` header moved
 * into `cookies`, and a body base64 encoded unless it is text (by content type) and valid UTF-8.
 */
export function toHttpApiEvent(
  request: IncomingMessage,
  body: Buffer,
  options: HttpApiEventOptions,
): APIGatewayProxyEventV2 {
  const receivedAt = options.receivedAt ?? new Date();
  const { rawPath, rawQueryString } = splitTarget(request.url ?? '/');
  const { headers, cookies } = headersOf(request.rawHeaders);
  const method = (request.method ?? 'GET').toUpperCase();
  const queryStringParameters = queryParametersOf(rawQueryString);
  const host = headers.host ?? '127.0.0.1';
  // A Lambda event is JSON, which holds text only: bytes that are not UTF-8 travel base64 encoded.
  const isText = isTextContent(headers['content-type']) && isUtf8(body);
  return {
    version: '2.0',
    routeKey: options.routeKey,
    rawPath,
    rawQueryString,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    ...(options.pathParameters ? { pathParameters: { ...options.pathParameters } } : {}),
    requestContext: {
      accountId: LOCAL_ACCOUNT_ID,
      apiId: 'local',
      domainName: host,
      domainPrefix: host.split('.')[0] ?? host,
      http: {
        method,
        path: decodePath(rawPath),
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      ...(options.callerArn ? { authorizer: iamAuthorizerContext(options.callerArn) } : {}),
      requestId: options.requestId ?? randomUUID(),
      routeKey: options.routeKey,
      stage: '$default',
      time: apiGatewayTime(receivedAt),
      timeEpoch: receivedAt.getTime(),
    },
    ...(body.length > 0 ? { body: isText ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !isText,
  };
}

/** Path and query as the client wrote them; nothing is decoded or reordered. */
function splitTarget(target: string): { rawPath: string; rawQueryString: string } {
  const question = target.indexOf('?');
  if (question === -1) return { rawPath: target, rawQueryString: '' };
  return { rawPath: target.slice(0, question), rawQueryString: target.slice(question + 1) };
}

function headersOf(rawHeaders: readonly string[]): {
  headers: Record<string, string>;
  cookies: string[];
} {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    const name = (rawHeaders[index] as string).toLowerCase();
    const value = rawHeaders[index + 1] as string;
    if (name === 'cookie') {
      cookies.push(
        ...value
          .split(';')
          .map((cookie) => cookie.trim())
          .filter(Boolean),
      );
      continue;
    }
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  return { headers, cookies };
}

/** Decoded values; a repeated name gets its values joined by commas, as API Gateway does. */
export function queryParametersOf(rawQueryString: string): Record<string, string> | undefined {
  if (!rawQueryString) return undefined;
  const values: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    values[name] = name in values ? `${values[name]},${value}` : value;
  }
  return values;
}

/**
 * API Gateway hands Lambda JSON, XML, JavaScript and `text/*` bodies as text; everything else
 * (form posts and bodies without a content type included) arrives base64 encoded.
 */
function isTextContent(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return (
    type.startsWith('text/') ||
    type === 'application/json' ||
    type.endsWith('+json') ||
    type === 'application/xml' ||
    type.endsWith('+xml') ||
    type === 'application/javascript'
  );
}

function decodePath(rawPath: string): string {
  try {
    return decodeURI(rawPath);
  } catch {
    return rawPath;
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** API Gateway's `requestContext.time` format: `12/Mar/2020:19:03:58 +0000`. */
function apiGatewayTime(date: Date): string {
  const two = (value: number) => String(value).padStart(2, '0');
  return (
    `${two(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`
  );
}
