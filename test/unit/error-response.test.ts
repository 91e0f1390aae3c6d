import type { Request } from '@middy/core';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import {
  CommandOutcomeUnknownError,
  ConfigurationError,
  FrontPaymentAuthenticationError,
  FrontPaymentMisconfiguredError,
  FrontPaymentProtocolError,
  FrontPaymentRejectedError,
  FrontPaymentTimeoutError,
  FrontPaymentUnavailableError,
  IdempotencyKeyMissingError,
  IdempotencyKeyReusedError,
  InputValidationError,
  LambdaDeadlineError,
  RequestInProgressError,
  ReservationNotFoundError,
  ReservationStateConflictError,
  SessionOutcomeUnknownError,
  UnreadableRequestError,
} from '#shared/errors';
import { errorResponseOf, httpErrorResponses } from '#shared/http/error-response';
import { PROBLEM_CONTENT_TYPE, ProblemSchema } from '#shared/http/problem';
import {
  PROBLEM_CODES,
  PROBLEM_TYPES,
  type ProblemCode,
  problemTypeOf,
} from '#shared/http/problem-types';
import { captureOutput } from '../support/captured-output.ts';

const output = captureOutput();

const bodyOf = (error: unknown) => JSON.parse(errorResponseOf(error).body ?? '');
const statusOf = (error: unknown) => errorResponseOf(error).statusCode;

const SESSION_STATUS = {
  timeout: 504,
  interrupted: 502,
  unreadable: 502,
  'server-error': 502,
  unrecorded: 500,
  'earlier-attempt': 409,
} as const;
const COMMAND_STATUS = {
  timeout: 504,
  unanswered: 502,
  unrecorded: 500,
  'earlier-attempt': 409,
} as const;

/** One error for every branch of errorResponseOf, with the code and status it must answer. */
const EVERY_BRANCH: readonly (readonly [unknown, ProblemCode, number])[] = [
  [
    new InputValidationError('The reservation is invalid', [
      { path: 'customerDetails.email', message: 'must be a valid email address' },
    ]),
    'validation-failed',
    400,
  ],
  [
    new IdempotencyKeyMissingError('An Idempotency-Key header is required', [
      { path: 'Idempotency-Key', message: 'is required' },
    ]),
    'idempotency-key-missing',
    400,
  ],
  [new UnreadableRequestError('not JSON', 'body-not-json'), 'body-not-json', 400],
  [new UnreadableRequestError('an array', 'body-not-object'), 'body-not-object', 400],
  [new UnreadableRequestError('xml', 'unsupported-media-type'), 'unsupported-media-type', 415],
  [new UnreadableRequestError('too large', 'body-too-large'), 'body-too-large', 413],
  [new IdempotencyKeyReusedError('other content'), 'idempotency-key-reused', 409],
  [new RequestInProgressError('in progress', 2), 'request-in-progress', 409],
  ...(
    [
      'timeout',
      'interrupted',
      'unreadable',
      'server-error',
      'unrecorded',
      'earlier-attempt',
    ] as const
  ).map(
    (kind) =>
      [
        new SessionOutcomeUnknownError('Front Payment did not answer', 'rsv-1', kind),
        'session-outcome-unknown',
        SESSION_STATUS[kind],
      ] as const,
  ),
  [new ReservationNotFoundError('No reservation rsv-1', 'rsv-1'), 'reservation-not-found', 404],
  [
    new ReservationStateConflictError('capture-exceeds-remaining', 'only 370 left'),
    'state-conflict',
    409,
  ],
  ...(['timeout', 'unanswered', 'unrecorded', 'earlier-attempt'] as const).map(
    (kind) =>
      [
        new CommandOutcomeUnknownError('The capture may have reached Front Payment', 'rsv-1', kind),
        'command-outcome-unknown',
        COMMAND_STATUS[kind],
      ] as const,
  ),
  [new LambdaDeadlineError('ran out of time'), 'deadline-exceeded', 504],
  [
    new FrontPaymentRejectedError('Front Payment rejected the request (HTTP 417)', [
      { path: 'customerDetails.msisdn', message: 'The msisdn field is required.' },
    ]),
    'front-payment-rejected',
    422,
  ],
  [new FrontPaymentAuthenticationError('HTTP 401 Bearer secret-token'), 'misconfigured', 502],
  [new FrontPaymentMisconfiguredError('404'), 'misconfigured', 502],
  [new FrontPaymentTimeoutError('no answer within 10 ms'), 'front-payment-timeout', 504],
  [
    new FrontPaymentUnavailableError('Front Payment failed (HTTP 503)'),
    'front-payment-unavailable',
    502,
  ],
  [new FrontPaymentProtocolError('no envelope'), 'front-payment-unavailable', 502],
  [new ConfigurationError('set FRONT_PAYMENT_TOKEN'), 'misconfigured', 500],
  [new TypeError('boom'), 'internal-error', 500],
  ['a thrown string', 'internal-error', 500],
];

describe('errorResponseOf', () => {
  it.each(EVERY_BRANCH)('answers %s as problem+json %s (%i)', (error, code, status) => {
    const answer = errorResponseOf(error);

    expect(answer.statusCode).toBe(status);
    expect(answer.headers?.['content-type']).toBe(PROBLEM_CONTENT_TYPE);
    const problem = v.parse(ProblemSchema, JSON.parse(answer.body ?? ''));
    expect(problem).toMatchObject({
      type: problemTypeOf(code),
      title: PROBLEM_TYPES[code].title,
      status,
      code,
      retryable: PROBLEM_TYPES[code].retryable,
    });
    expect(PROBLEM_TYPES[code].statuses).toContain(status);
    expect(problem.detail).not.toBe('');
  });

  it('has a branch for every documented code, and a documented code for every branch', () => {
    const answered = new Set(EVERY_BRANCH.map(([error]) => bodyOf(error).code));
    expect([...answered].sort()).toEqual([...PROBLEM_CODES].sort());
  });

  it('names every failing field in errors', () => {
    const error = new InputValidationError('The reservation is invalid', [
      { path: 'customerDetails.email', message: 'must be a valid email address' },
      { path: 'products.0.tax', message: 'must be one of 0, 12, 15, 25' },
    ]);

    expect(bodyOf(error)).toMatchObject({
      detail: 'The reservation is invalid',
      errors: error.errors,
    });
  });

  it("passes Front Payment's field messages on as 422", () => {
    const error = new FrontPaymentRejectedError('Front Payment rejected the request (HTTP 417)', [
      { path: 'customerDetails.msisdn', message: 'The msisdn field is required.' },
    ]);

    expect(bodyOf(error).errors).toEqual(error.errors);
  });

  it('turns a refused token into 502 misconfiguration without details', () => {
    const body = bodyOf(new FrontPaymentAuthenticationError('HTTP 401 Bearer secret-token'));

    expect(body).toMatchObject({
      detail: 'Front Payment refused our credentials: the integration is misconfigured',
      retryable: false,
    });
    expect(JSON.stringify(body)).not.toContain('secret-token');
  });

  it('keeps retry-after on a request still in progress', () => {
    const inProgress = errorResponseOf(new RequestInProgressError('in progress', 2));
    expect(inProgress.headers).toMatchObject({ 'retry-after': '2' });
    expect(JSON.parse(inProgress.body ?? '{}').retryable).toBe(true);
  });

  it('names the rule of a state conflict and the reservation of a 404', () => {
    expect(
      bodyOf(new ReservationStateConflictError('capture-exceeds-remaining', 'only 370 left')),
    ).toMatchObject({ rule: 'capture-exceeds-remaining', detail: 'only 370 left' });
    expect(bodyOf(new ReservationNotFoundError('No reservation rsv-1', 'rsv-1'))).toMatchObject({
      reservationId: 'rsv-1',
    });
  });

  it('names a misconfiguration without details and hides everything else', () => {
    expect(bodyOf(new ConfigurationError('set FRONT_PAYMENT_TOKEN')).detail).toBe(
      'The integration is misconfigured',
    );
    expect(bodyOf(new TypeError('boom')).detail).toBe('Internal error');
  });

  it.each(Object.keys(SESSION_STATUS) as (keyof typeof SESSION_STATUS)[])(
    'says who settles an unknown session outcome (%s) and what the merchant does',
    (kind) => {
      const error = new SessionOutcomeUnknownError('Front Payment did not answer', 'rsv-1', kind);

      expect(bodyOf(error)).toMatchObject({ reservationId: 'rsv-1', retryable: false });
      expect(bodyOf(error).detail).toContain('the reconciler settles reservation rsv-1');
      expect(bodyOf(error).detail).toContain('retry with the same Idempotency-Key');
    },
  );

  it('says where an unknown command outcome shows', () => {
    const error = new CommandOutcomeUnknownError(
      'The capture may have reached Front Payment',
      'rsv-1',
      'timeout',
    );

    expect(bodyOf(error)).toMatchObject({ reservationId: 'rsv-1', retryable: false });
    expect(bodyOf(error).detail).toContain('GET /reservations/rsv-1?refresh=true');
    expect(statusOf(error)).toBe(504);
  });
});

describe('httpErrorResponses', () => {
  const answer = (error: unknown) =>
    httpErrorResponses().onError?.({ error, response: undefined } as unknown as Request);

  it('logs why a request failed with 5xx: the error with its message and cause', async () => {
    const cause = new Error('connect ECONNREFUSED 127.0.0.1:4020');
    await answer(new FrontPaymentUnavailableError('Front Payment could not be reached', { cause }));

    const [line, ...others] = output.logs();
    expect(others).toEqual([]);
    expect(line).toMatchObject({
      level: 'ERROR',
      message: 'request failed',
      statusCode: 502,
      errorName: 'FrontPaymentUnavailableError',
      error: {
        name: 'FrontPaymentUnavailableError',
        message: 'Front Payment could not be reached',
        cause: { name: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:4020' },
      },
    });
    expect(JSON.stringify(line?.error)).toContain('error-response.test.ts');
  });

  it('logs a refusal (4xx) at INFO with its name only: the input stays out of the logs', async () => {
    await answer(
      new InputValidationError('The reservation is invalid', [
        { path: 'customerDetails.email', message: 'must be a valid email address' },
      ]),
    );

    expect(output.logs()).toEqual([
      expect.objectContaining({
        level: 'INFO',
        message: 'request refused',
        statusCode: 400,
        errorName: 'InputValidationError',
      }),
    ]);
    expect(output.text()).not.toContain('customerDetails');
  });
});
