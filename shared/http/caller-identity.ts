import { createHash } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ConfigurationError } from '../errors.ts';

/** What API Gateway's IAM and JWT authorizers put into the request context (payload 2.0). */
interface AuthorizerContext {
  readonly iam?: { readonly userArn?: unknown; readonly callerId?: unknown };
  readonly jwt?: { readonly claims?: Readonly<Record<string, unknown>> };
}

/**
 * Who is calling, as the route's authorizer established it: the IAM principal (SigV4) or the
 * JWT's subject (`sub`, else `client_id`, with its issuer). `Idempotency-Key`s are scoped to it.
 * No authorizer means the route is deployed without one, which this function must never serve.
 */
export function callerIdentityOf(event: APIGatewayProxyEventV2): string {
  const authorizer = (event.requestContext as { authorizer?: AuthorizerContext }).authorizer;
  const principal = text(authorizer?.iam?.userArn) ?? text(authorizer?.iam?.callerId);
  if (principal) return `iam:${principal}`;
  const claims = authorizer?.jwt?.claims;
  const subject = text(claims?.sub) ?? text(claims?.client_id);
  if (subject) return `jwt:${text(claims?.iss) ?? ''}:${subject}`;
  throw new ConfigurationError('The request carries no caller identity: is the route authorized?');
}

/**
 * What we store about a caller: a digest of its identity. It tells callers apart (who owns a
 * reservation, who asked for a command) without keeping a JWT subject, which may be an email.
 */
export function callerDigestOf(caller: string): string {
  return createHash('sha256').update(caller).digest('hex').slice(0, 32);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
