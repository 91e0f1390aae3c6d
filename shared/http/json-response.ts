import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** A JSON answer for API Gateway's HTTP API (payload 2.0). */
export function jsonResponse(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}
