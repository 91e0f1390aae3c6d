import { describe, expect, it } from 'vitest';
import { callerIdentityOf } from '#shared/http/caller-identity';
import { httpApiEvent } from '../support/api-gateway-events.ts';

function withIam(iam: Record<string, string>) {
  const event = httpApiEvent({ method: 'POST', path: '/reservations' });
  Object.assign(event.requestContext, { authorizer: { iam } });
  return event;
}

describe('callerIdentityOf', () => {
  it.each([
    [
      'arn:aws:sts::123456789012:assumed-role/app/task-a',
      'arn:aws:sts::123456789012:assumed-role/app',
    ],
    [
      'arn:aws:sts::123456789012:assumed-role/app/botocore-session-1767225600',
      'arn:aws:sts::123456789012:assumed-role/app',
    ],
    [
      'arn:aws-cn:sts::123456789012:assumed-role/app/i-0abc',
      'arn:aws-cn:sts::123456789012:assumed-role/app',
    ],
    ['arn:aws:iam::123456789012:user/ops/merchant', 'arn:aws:iam::123456789012:user/ops/merchant'],
    ['arn:aws:iam::123456789012:root', 'arn:aws:iam::123456789012:root'],
  ])('reads %s as %s', (userArn, principal) => {
    expect(callerIdentityOf(withIam({ userArn, callerId: 'AROAEXAMPLE:x' }))).toBe(
      `iam:${principal}`,
    );
  });

  it("falls back to callerId, a role's without its session", () => {
    expect(callerIdentityOf(withIam({ callerId: 'AROAEXAMPLE123:task-a' }))).toBe(
      'iam:AROAEXAMPLE123',
    );
    expect(callerIdentityOf(withIam({ callerId: 'AIDAEXAMPLE123' }))).toBe('iam:AIDAEXAMPLE123');
  });

  it('reads a JWT as its issuer and subject', () => {
    const event = httpApiEvent({ method: 'POST', path: '/reservations' });
    Object.assign(event.requestContext, {
      authorizer: { jwt: { claims: { iss: 'https://issuer.example', sub: 'client-a' } } },
    });
    expect(callerIdentityOf(event)).toBe('jwt:https://issuer.example:client-a');
  });

  it('refuses a request without an authorizer', () => {
    expect(() => callerIdentityOf(httpApiEvent({ method: 'POST', path: '/reservations' }))).toThrow(
      /no caller identity/,
    );
  });
});
