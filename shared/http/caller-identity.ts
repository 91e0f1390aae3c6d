import { createHash } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ConfigurationError } from '../errors.ts';

/**
 * What API Gateway's IAM and JWT authorizers put into the request context (payload 2.0). The IAM
 * one carries `accessKey`, `accountId`, `callerId`, `principalOrgId`, `userArn` and `userId`.
 */
interface AuthorizerContext {
  readonly iam?: { readonly userArn?: unknown; readonly callerId?: unknown };
  readonly jwt?: { readonly claims?: Readonly<Record<string, unknown>> };
}

/**
 * An assumed role's session: `arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION`. The session
 * name is the caller's choice and differs per ECS task and EC2 instance; the SDK's web-identity
 * and ini providers even put the time into it, so it changes on every credential refresh.
 */
const ASSUMED_ROLE_ARN = /^(arn:[\w-]+:sts::\d{12}:assumed-role\/[^/]+)\/.+$/;

/** `callerId` without `userArn`: a role's unique id (`AROA…`) followed by `:SESSION`. */
const ROLE_SESSION_ID = /^(AROA[A-Z0-9]+):.+$/;

/**
 * Who is calling, as the route's authorizer established it. `Idempotency-Key`s are scoped to it.
 * - An assumed role is the role, not its session: `arn:aws:sts::ACCOUNT:assumed-role/ROLE`, from
 *   `userArn` with the session name cut off. Every task and every refreshed credential of one role
 *   is one caller. We take the role's name rather than its unique id (`AROA…` in `userId`): the
 *   name survives deleting and recreating the role (an infrastructure redeploy), the unique id does
 *   not, and a retry after such a redeploy must still find its key. Who may call at all is the
 *   IAM policy's decision, not this identity's.
 * - An IAM user (or the account's root) stays its `userArn`.
 * - A JWT is its issuer and subject (`sub`, else `client_id`).
 * No authorizer means the route is deployed without one, which this function must never serve.
 */
export function callerIdentityOf(event: APIGatewayProxyEventV2): string {
  const authorizer = (event.requestContext as { authorizer?: AuthorizerContext }).authorizer;
  const principal = iamPrincipalOf(text(authorizer?.iam?.userArn), text(authorizer?.iam?.callerId));
  if (principal) return `iam:${principal}`;
  const claims = authorizer?.jwt?.claims;
  const subject = text(claims?.sub) ?? text(claims?.client_id);
  if (subject) return `jwt:${text(claims?.iss) ?? ''}:${subject}`;
  throw new ConfigurationError('The request carries no caller identity: is the route authorized?');
}

function iamPrincipalOf(
  userArn: string | undefined,
  callerId: string | undefined,
): string | undefined {
  if (userArn) return ASSUMED_ROLE_ARN.exec(userArn)?.[1] ?? userArn;
  if (callerId) return ROLE_SESSION_ID.exec(callerId)?.[1] ?? callerId;
  return undefined;
}

/**
 * What we store about a caller: a digest of its identity. It tells callers apart (who created a
 * reservation, who asked for a command) without keeping a JWT subject, which may be an email.
 */
export function callerDigestOf(caller: string): string {
  return createHash('sha256').update(caller).digest('hex').slice(0, 32);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
