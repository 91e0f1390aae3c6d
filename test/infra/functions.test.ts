import { readFileSync } from 'node:fs';
import { Duration } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { HANDLER_EXPORT } from '../../infra/house-function.ts';
import { type Synthesised, synthReservations } from './support/synth.ts';

interface FunctionProperties extends Record<string, unknown> {
  readonly Timeout: number;
  readonly MemorySize: number;
  readonly Environment: { readonly Variables: Record<string, unknown> };
}

function functionProperties(
  s: Synthesised,
  fn: Parameters<Synthesised['logicalId']>[0],
): FunctionProperties {
  return s.template.toJSON().Resources[s.logicalId(fn)].Properties;
}

describe('Lambda functions', () => {
  let s: Synthesised;
  beforeAll(() => {
    s = synthReservations();
  });

  it('run Node 22 on ARM64 without X-Ray, with source maps and their own log group', () => {
    const { createSessionFunction, callbackFunction, publishPendingFunction, reconcileFunction } =
      s.reservations;
    for (const [name, fn] of [
      ['create-session', createSessionFunction],
      ['callback', callbackFunction],
      ['publish-pending', publishPendingFunction],
      ['reconcile', reconcileFunction],
    ] as const) {
      const properties = functionProperties(s, fn);
      expect(properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: `index.${HANDLER_EXPORT}`,
        MemorySize: 512,
        LoggingConfig: { LogGroup: { Ref: expect.stringMatching(/loggroup/) } },
      });
      // No TracingConfig: Tracing.DISABLED leaves it out (no code sends trace segments).
      expect(properties.TracingConfig).toBeUndefined();
      expect(properties.Environment.Variables).toMatchObject({
        SERVICE_NAME: name,
        LOG_LEVEL: 'INFO',
      });
      // Source maps are read when an error's stack is, not at every cold start (bundling.test.ts).
      expect(properties.Environment.Variables.NODE_OPTIONS).toBeUndefined();
    }
  });

  it('each entry file exports the handler the functions name', () => {
    for (const name of ['create-session', 'callback', 'publish-pending', 'reconcile']) {
      const source = readFileSync(`functions/${name}/handler.ts`, 'utf8');
      expect(source).toMatch(
        new RegExp(`export (const|async function|function) ${HANDLER_EXPORT}\\b`),
      );
    }
  });

  it('fit API Gateway: create-session 25 s (Front Payment 10 s), callback 15 s (5 s), sweeper 50 s', () => {
    expect(functionProperties(s, s.reservations.createSessionFunction)).toMatchObject({
      Timeout: 25,
      Environment: { Variables: expect.objectContaining({ FRONT_PAYMENT_TIMEOUT_MS: '10000' }) },
    });
    expect(functionProperties(s, s.reservations.callbackFunction)).toMatchObject({
      Timeout: 15,
      Environment: { Variables: expect.objectContaining({ FRONT_PAYMENT_TIMEOUT_MS: '5000' }) },
    });
    expect(functionProperties(s, s.reservations.publishPendingFunction).Timeout).toBe(50);
  });

  it('runs the reconciler every 5 minutes by default (a prop), never retried, 120 s each', () => {
    expect(functionProperties(s, s.reservations.reconcileFunction).Timeout).toBe(120);
    const schedules = (template: typeof s.template) =>
      Object.values(template.findResources('AWS::Events::Rule'))
        .map((rule) => rule.Properties)
        .filter((properties) => String(properties.Description).includes('reconciler'));
    expect(schedules(s.template)).toEqual([
      expect.objectContaining({
        ScheduleExpression: 'rate(5 minutes)',
        Targets: [expect.objectContaining({ RetryPolicy: { MaximumRetryAttempts: 0 } })],
      }),
    ]);
    const faster = synthReservations({ reconcileInterval: Duration.minutes(2) });
    expect(schedules(faster.template)).toEqual([
      expect.objectContaining({ ScheduleExpression: 'rate(2 minutes)' }),
    ]);
  });

  it('configure create-session, callback and the sweeper with the contract variables', () => {
    const table = { Ref: s.logicalId(s.reservations.table) };
    const bus = { Ref: s.logicalId(s.reservations.eventBus) };
    expect(
      functionProperties(s, s.reservations.createSessionFunction).Environment.Variables,
    ).toEqual(
      expect.objectContaining({
        RESERVATIONS_TABLE_NAME: table,
        FRONT_PAYMENT_BASE_URL: 'https://demo-api.frontpayment.no',
        FRONT_PAYMENT_TOKEN_ARN: { Ref: s.logicalId(s.reservations.secrets.frontPaymentToken) },
      }),
    );
    expect(
      functionProperties(s, s.reservations.createSessionFunction).Environment.Variables,
    ).not.toHaveProperty('IDEMPOTENCY_TABLE_NAME');
    const callback = functionProperties(s, s.reservations.callbackFunction).Environment.Variables;
    expect(callback).toEqual(
      expect.objectContaining({
        RESERVATIONS_TABLE_NAME: table,
        EVENT_BUS_NAME: bus,
        EVENT_SOURCE: 'frontpayment.reservations',
        FRONT_PAYMENT_CALLBACK_SECRET_ARN: {
          Ref: s.logicalId(s.reservations.secrets.callbackSecret),
        },
        CALLBACK_CHECKSUM_FORMULA: 'all-parameters',
        // Details are read for every callback.
        FRONT_PAYMENT_BASE_URL: 'https://demo-api.frontpayment.no',
        FRONT_PAYMENT_TOKEN_ARN: { Ref: s.logicalId(s.reservations.secrets.frontPaymentToken) },
      }),
    );
    // No second key unless one is being rotated in.
    expect(callback).not.toHaveProperty('FRONT_PAYMENT_CALLBACK_SECRET_NEXT_ARN');
    // Unset, so the handler's own default maximum age (24 h) applies.
    expect(callback).not.toHaveProperty('CALLBACK_MAX_AGE_SECONDS');
    expect(
      functionProperties(s, s.reservations.publishPendingFunction).Environment.Variables,
    ).toEqual(
      expect.objectContaining({
        RESERVATIONS_TABLE_NAME: table,
        EVENT_BUS_NAME: bus,
        EVENT_SOURCE: 'frontpayment.reservations',
      }),
    );
  });

  it('pass the options through: tax rates, formula, max age, memory, log level', () => {
    const s2 = synthReservations({
      frontPaymentBaseUrl: 'https://apigo.frontpayment.no',
      allowedTaxRates: [0, 25],
      callbackChecksumFormula: 'order-status-created',
      callbackMaxAge: Duration.minutes(10),
      memorySize: 1024,
      logLevel: 'DEBUG',
    });
    const create = functionProperties(s2, s2.reservations.createSessionFunction);
    expect(create.MemorySize).toBe(1024);
    expect(create.Environment.Variables).toMatchObject({
      ALLOWED_TAX_RATES: '0,25',
      FRONT_PAYMENT_BASE_URL: 'https://apigo.frontpayment.no',
      LOG_LEVEL: 'DEBUG',
    });
    const callback = functionProperties(s2, s2.reservations.callbackFunction);
    expect(callback.Timeout).toBe(15);
    expect(callback.Environment.Variables).toMatchObject({
      CALLBACK_CHECKSUM_FORMULA: 'order-status-created',
      CALLBACK_MAX_AGE_SECONDS: '600',
      FRONT_PAYMENT_BASE_URL: 'https://apigo.frontpayment.no',
      FRONT_PAYMENT_TIMEOUT_MS: '5000',
      FRONT_PAYMENT_TOKEN_ARN: { Ref: s2.logicalId(s2.reservations.secrets.frontPaymentToken) },
    });
    // The sweeper confirms kept callbacks with the same details call.
    expect(
      functionProperties(s2, s2.reservations.publishPendingFunction).Environment.Variables,
    ).toMatchObject({
      LOG_LEVEL: 'DEBUG',
      FRONT_PAYMENT_BASE_URL: 'https://apigo.frontpayment.no',
      FRONT_PAYMENT_TOKEN_ARN: { Ref: s2.logicalId(s2.reservations.secrets.frontPaymentToken) },
    });
  });

  it('pass a zero callback max age through as "0" (the handler turns the age check off)', () => {
    const s2 = synthReservations({ callbackMaxAge: Duration.seconds(0) });
    expect(
      functionProperties(s2, s2.reservations.callbackFunction).Environment.Variables,
    ).toMatchObject({ CALLBACK_MAX_AGE_SECONDS: '0' });
  });
});
