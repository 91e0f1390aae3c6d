import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { iamAuthorizerContext, queryParametersOf } from '../../infra/local/api-gateway-event.ts';
import { createLambdaContext } from '../../infra/local/lambda-context.ts';

export interface HttpApiRequest {
  readonly method: string;
  /** The path without query, e.g. `/callbacks/front-payment`. */
  readonly path: string;
  /** Exactly as a client sent it, without `?`; order and encoding are kept. */
  readonly rawQueryString?: string;
  /** Any case; API Gateway hands them to Lambda in lower case. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** The IAM principal an authorized route's authorizer found; absent for a public route. */
  readonly callerArn?: string;
  /** The matched route's `{name}` segments, e.g. `{ reservationId }`. */
  readonly pathParameters?: Readonly<Record<string, string>>;
  /** The matched route, e.g. `POST /reservations/{reservationId}/capture`. @default method and path */
  readonly routeKey?: string;
}

/**
 * A complete API Gateway HTTP API (payload 2.0) event, shaped like the ones AWS delivers:
 * lower-case headers, `queryStringParameters` decoded with repeated names joined by commas,
 * and the route key of the method and path.
 */
export function httpApiEvent(request: HttpApiRequest): APIGatewayProxyEventV2 {
  const now = new Date();
  const rawQueryString = request.rawQueryString ?? '';
  const headers = Object.fromEntries(
    Object.entries(request.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
  );
  const method = request.method.toUpperCase();
  const routeKey = request.routeKey ?? `${method} ${request.path}`;
  const queryStringParameters = queryParametersOf(rawQueryString);
  return {
    version: '2.0',
    routeKey,
    rawPath: request.path,
    rawQueryString,
    headers: { host: 'api.local.test', 'x-forwarded-proto': 'https', ...headers },
    ...(queryStringParameters ? { queryStringParameters } : {}),
    ...(request.pathParameters ? { pathParameters: { ...request.pathParameters } } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      domainName: 'api.local.test',
      domainPrefix: 'api',
      http: {
        method,
        path: request.path,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: headers['user-agent'] ?? 'test',
      },
      ...(request.callerArn ? { authorizer: iamAuthorizerContext(request.callerArn) } : {}),
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(request.body === undefined ? {} : { body: request.body }),
    isBase64Encoded: false,
  };
}

/** A Lambda context whose remaining time counts down from `timeoutMs`, as in Lambda. */
export function lambdaContext(timeoutMs = 30_000): Context {
  return createLambdaContext({ functionName: 'test-function', timeoutMs });
}
