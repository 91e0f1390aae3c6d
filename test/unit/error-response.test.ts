import type { Request } from '@middy/core';
import { describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  FrontPaymentAuthenticationError,
  FrontPaymentMisconfiguredError,
  FrontPaymentProtocolError,
  FrontPaymentRejectedError,
  FrontPaymentTimeoutError,
  FrontPaymentUnavailableError,
  IdempotencyKeyReusedError,
  InputValidationError,
  LambdaDeadlineError,
  RequestInProgressError,
  SessionOutcomeUnknownError,
  UnreadableRequestError,
} from '#shared/errors';
import { errorResponseOf, httpErrorResponses } from '#shared/http/error-response';
import { captureOutput } from '../support/captured-output.ts';

const output = captureOutput();

const bodyOf = (error: unknown) => JSON.parse(errorResponseOf(error).body ?? '');
const statusOf = (error: unknown) => errorResponseOf(error).statusCode;

describe('errorResponseOf', () => {
  it('answers invalid input with 400 and every failing field', () => {
    const error = new InputValidationError('The reservation is invalid', [
      { path: 'customerDetails.email', message: 'must be a valid email address' },
      { path: 'products.0.tax', message: 'must be one of 0, 12, 15, 25' },
    ]);

    expect(statusOf(error)).toBe(400);
    expect(bodyOf(error)).toEqual({ message: 'The reservation is invalid', errors: error.errors });
  });

  it('keeps the status of unreadable requests', () => {
    expect(statusOf(new UnreadableRequestError('too large', 413))).toBe(413);
  });

  it("passes Front Payment's field messages on as 422", () => {
    const error = new FrontPaymentRejectedError('Front Payment rejected the request (HTTP 417)', [
      { path: 'customerDetails.msisdn', message: 'The msisdn field is required.' },
    ]);

    expect(statusOf(error)).toBe(422);
    expect(bodyOf(error).errors).toEqual(error.errors);
  });

  it('turns a refused token into 502 misconfiguration without details', () => {
    const body = bodyOf(new FrontPaymentAuthenticationError('HTTP 401 Bearer secret-token'));

    expect(statusOf(new FrontPaymentAuthenticationError('x'))).toBe(502);
    expect(body).toEqual({
      message: 'Front Payment refused our credentials: the integration is misconfigured',
      retryable: false,
    });
    expect(JSON.stringify(body)).not.toContain('secret-token');
  });

  it.each([
    [new FrontPaymentUnavailableError('Front Payment failed (HTTP 500)'), 502],
    [new FrontPaymentProtocolError('no envelope'), 502],
    [new FrontPaymentTimeoutError('no answer within 10 ms'), 504],
  ])('marks %s as retryable %i', (error, statusCode) => {
    expect(statusOf(error)).toBe(statusCode);
    expect(bodyOf(error).retryable).toBe(true);
  });

  it('answers idempotency conflicts with 409: other content final, in progress retryable', () => {
    const reused = new IdempotencyKeyReusedError('other content');
    expect(statusOf(reused)).toBe(409);
    expect(bodyOf(reused).retryable).toBe(false);
    const inProgress = errorResponseOf(new RequestInProgressError('in progress', 2));
    expect(inProgress.statusCode).toBe(409);
    expect(inProgress.headers).toMatchObject({ 'retry-after': '2' });
    expect(JSON.parse(inProgress.body ?? '{}').retryable).toBe(true);
  });

  it('answers a Lambda about to time out with 504, not retryable: the outcome is unknown', () => {
    const error = new LambdaDeadlineError('ran out of time');
    expect(statusOf(error)).toBe(504);
    expect(bodyOf(error).retryable).toBe(false);
  });

  it('answers a 404 from Front Payment on create as a misconfiguration, not as bad input', () => {
    const error = new FrontPaymentMisconfiguredError('404');
    expect(statusOf(error)).toBe(502);
    expect(bodyOf(error).retryable).toBe(false);
  });

  it('names a misconfiguration without details and hides everything else', () => {
    expect(bodyOf(new ConfigurationError('set FRONT_PAYMENT_TOKEN'))).toEqual({
      message: 'The integration is misconfigured',
      retryable: false,
    });
    expect(bodyOf(new TypeError('boom'))).toEqual({ message: 'Internal error', retryable: true });
    expect(statusOf(new TypeError('boom'))).toBe(500);
  });

  it.each([
    ['timeout', 504],
    ['interrupted', 502],
    ['unreadable', 502],
    ['server-error', 502],
    ['unrecorded', 500],
    ['earlier-attempt', 409],
  ] as const)('answers an unknown session outcome (%s) with %i, not retryable', (kind, status) => {
    const error = new SessionOutcomeUnknownError('Front Payment did not answer', 'rsv-1', kind);

    expect(statusOf(error)).toBe(status);
    expect(bodyOf(error)).toMatchObject({ reservationId: 'rsv-1', retryable: false });
    // It says who settles it and what the merchant does meanwhile, not "reconcile it yourself".
    expect(bodyOf(error).message).toContain('the reconciler settles reservation rsv-1');
    expect(bodyOf(error).message).toContain('retry with the same Idempotency-Key');
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
