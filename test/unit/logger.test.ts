import middy from '@middy/core';
import fc from 'fast-check';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { jsonLine, LOG_LEVELS, levelThreshold } from '#shared/logging/log-line';
import { logger, logLambdaContext, runInOwnLogScope } from '#shared/logging/logger';
import { createLambdaContext } from '../../infra/local/lambda-context.ts';
import { captureOutput } from '../support/captured-output.ts';

const output = captureOutput();

beforeEach(() => {
  vi.stubEnv('LOG_LEVEL', 'INFO');
  vi.stubEnv('SERVICE_NAME', 'logger-test');
  return () => vi.unstubAllEnvs();
});

/** Logs in a scope of its own, so the settings stubbed above are the ones read. */
const inOwnScope = (log: () => void) => runInOwnLogScope(true, log);

describe('logger', () => {
  it('writes one JSON line per call with the keys every line has, then the attributes', () => {
    inOwnScope(() => logger.info('session created', { reservationId: 'r-1', attempts: 2 }));

    const [line, ...others] = output.logs();
    expect(others).toEqual([]);
    expect(Object.keys(line ?? {})).toEqual([
      'level',
      'message',
      'timestamp',
      'service',
      'reservationId',
      'attempts',
    ]);
    expect(line).toMatchObject({
      level: 'INFO',
      message: 'session created',
      service: 'logger-test',
      reservationId: 'r-1',
    });
    expect(new Date(String(line?.timestamp)).toISOString()).toBe(line?.timestamp);
  });

  it('never lets an attribute replace a key every line has', () => {
    inOwnScope(() => logger.info('real message', { message: 'forged', level: 'ERROR', id: 1 }));

    expect(output.logs()).toEqual([expect.objectContaining({ message: 'real message', id: 1 })]);
    expect(output.logs()[0]?.level).toBe('INFO');
  });

  it('writes lines at or above LOG_LEVEL only, WARN and ERROR on stderr', () => {
    vi.stubEnv('LOG_LEVEL', 'warn');
    const written: string[] = [];
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    try {
      inOwnScope(() => {
        logger.debug('not written', {});
        logger.info('not written either', {});
        logger.warn('written', {});
        logger.error('written too', {});
      });
    } finally {
      stderr.mockRestore();
    }

    expect(written.map((chunk) => JSON.parse(chunk).message)).toEqual(['written', 'written too']);
    expect(output.text()).toBe('');
  });

  it('reads an unknown or missing LOG_LEVEL as INFO, and SILENT as none', () => {
    expect(levelThreshold(undefined)).toBe(LOG_LEVELS.INFO);
    expect(levelThreshold('loud')).toBe(LOG_LEVELS.INFO);
    expect(levelThreshold('toString')).toBe(LOG_LEVELS.INFO);
    expect(levelThreshold('debug')).toBe(LOG_LEVELS.DEBUG);
    expect(levelThreshold('SILENT')).toBeGreaterThan(LOG_LEVELS.ERROR);
  });

  it("adds the Lambda context and the request's trace id through the middleware", async () => {
    vi.stubEnv(
      '_X_AMZN_TRACE_ID',
      'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f;Sampled=1',
    );
    const handler = middy()
      .use(logLambdaContext())
      .handler(async () => logger.info('handled', {}));
    const context = createLambdaContext({ functionName: 'callback', timeoutMs: 5_000 });

    await runInOwnLogScope(true, () => handler({}, context));

    expect(output.logs()).toEqual([
      expect.objectContaining({
        message: 'handled',
        cold_start: true,
        function_name: 'callback',
        function_request_id: context.awsRequestId,
        xray_trace_id: '1-5759e988-bd862e3fe1be46a994272793',
      }),
    ]);
  });
});

describe('jsonLine', () => {
  it('writes an Error with its name, location, message, stack, cause and own fields', () => {
    const cause = new Error('connect ECONNREFUSED 127.0.0.1:4020');
    const error = Object.assign(new TypeError('fetch failed', { cause }), { code: 'E_FETCH' });

    const written = JSON.parse(jsonLine({ error }));

    expect(written.error).toMatchObject({
      name: 'TypeError',
      message: 'fetch failed',
      code: 'E_FETCH',
      cause: { name: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:4020' },
    });
    expect(written.error.location).toMatch(/logger\.test\.ts:\d+$/);
    expect(written.error.stack).toContain('logger.test.ts');
  });

  it('writes bigints as strings and leaves cycles out, through objects and errors alike', () => {
    const record: Record<string, unknown> = { amount: 10n };
    record.self = record;
    const error = new Error('loops');
    error.cause = error;

    expect(JSON.parse(jsonLine({ record, error }))).toMatchObject({
      record: { amount: '10' },
      error: { message: 'loops' },
    });
    expect(JSON.parse(jsonLine({ record })).record).not.toHaveProperty('self');
  });

  it('keeps a value that appears twice side by side (only a cycle is left out)', () => {
    const shared = { id: 'r-1' };
    expect(JSON.parse(jsonLine({ first: shared, second: shared }))).toEqual({
      first: { id: 'r-1' },
      second: { id: 'r-1' },
    });
  });

  it('never throws and always writes one line, whatever the attributes (seeded)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.anything({ withBigInt: true })), (attributes) => {
        const line = jsonLine(attributes);
        expect(line).not.toContain('\n');
        expect(typeof JSON.parse(line)).toBe('object');
      }),
      { seed: 20261204, numRuns: 2_000 },
    );
  });
});
