import { describe, expect, it } from 'vitest';
import type { RouteAnswer } from '../../infra/local/lambda-http-server.ts';
import { createAnswerChecker } from '../../infra/openapi/answer-checker.ts';
import { committedOpenApiText } from '../../infra/openapi/openapi-file.ts';

const document = JSON.parse(committedOpenApiText());
const CREATE = { method: 'POST', route: '/reservations' } as const;
const json = { 'content-type': 'application/json' };
const created = {
  reservationId: 'res_1',
  reservationUuid: 'RES123',
  customerUuid: 'CSRT1',
  paymentUrl: 'http://127.0.0.1:4020/checkout/RES123',
  status: 'SESSION_CREATED',
};

function answer(partial: Partial<RouteAnswer> & { readonly json?: unknown }): RouteAnswer {
  const { json: body, ...rest } = partial;
  return {
    ...CREATE,
    statusCode: 201,
    headers: json,
    body: Buffer.from(JSON.stringify(body ?? created)),
    ...rest,
  };
}

function violationsOf(answers: readonly RouteAnswer[]): readonly string[] {
  const checker = createAnswerChecker(document);
  for (const each of answers) checker.check(each);
  return checker.violations;
}

describe('the answer checker (against the committed OpenAPI document)', () => {
  it('accepts an answer as documented, a replay included', () => {
    expect(
      violationsOf([answer({}), answer({ headers: { ...json, 'idempotent-replayed': 'true' } })]),
    ).toEqual([]);
  });

  it('names an undocumented field, a missing one and a wrong type, without their values', () => {
    const { status: _left, ...withoutStatus } = created;
    const violations = violationsOf([
      answer({ json: { ...created, email: 'someone@example.com' } }),
      answer({ json: withoutStatus }),
      answer({ json: { ...created, customerUuid: 7 } }),
    ]);
    expect(violations).toEqual([
      'POST /reservations → 201: body must NOT have additional properties (email)',
      "POST /reservations → 201: body must have required property 'status'",
      'POST /reservations → 201: body/customerUuid must be string; body/customerUuid must be null; body/customerUuid must match a schema in anyOf',
    ]);
    expect(violations.join('\n')).not.toContain('someone@example.com');
  });

  it('refuses an undocumented status, content type or header value', () => {
    expect(
      violationsOf([
        answer({ statusCode: 200 }),
        answer({ headers: { 'content-type': 'text/plain' } }),
        answer({ headers: { ...json, 'idempotent-replayed': 'yes' } }),
      ]),
    ).toEqual([
      'POST /reservations → 200: the status is not documented',
      'POST /reservations → 201: content type "text/plain" is not documented',
      'POST /reservations → 201: header Idempotent-Replayed is not as documented',
    ]);
  });

  it('checks error answers as problem details, and their statuses', () => {
    const notProblem = answer({ statusCode: 400, json: { message: 'The request is invalid' } });
    const teapot = answer({ statusCode: 418, json: { message: 'no' } });
    expect(violationsOf([notProblem, teapot])).toEqual([
      'POST /reservations → 400: content type "application/json" is not documented',
      'POST /reservations → 418: the status is not documented',
    ]);
    const problem = {
      type: 'urn:front-payment-reservations:problem:validation-failed',
      title: 'The request is invalid',
      status: 400,
      detail: 'The reservation request is invalid',
      code: 'validation-failed',
      retryable: false,
      errors: [{ path: 'orderDate', message: 'is required' }],
    };
    expect(
      violationsOf([
        answer({
          statusCode: 400,
          headers: { 'content-type': 'application/problem+json' },
          json: problem,
        }),
      ]),
    ).toEqual([]);
  });

  it('leaves routes the document does not describe (Front Payment’s callback) alone', () => {
    expect(
      violationsOf([
        answer({
          method: 'GET',
          route: '/callbacks/front-payment/{reservationId}',
          statusCode: 299,
        }),
      ]),
    ).toEqual([]);
  });
});
