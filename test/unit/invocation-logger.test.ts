import middy from '@middy/core';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { logger, logLambdaContext } from '#shared/logging/logger';
import { withOwnLogger } from '../../infra/local/invocation-logger.ts';
import { createLambdaContext } from '../../infra/local/lambda-context.ts';
import { captureOutput } from '../support/captured-output.ts';

const output = captureOutput();

beforeEach(() => {
  // What Lambda sets for on-demand functions (provisioned ones log no cold start).
  vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
  vi.stubEnv('LOG_LEVEL', 'INFO');
  return () => vi.unstubAllEnvs();
});

/** A handler wired as ours are (shared logger, its context middleware) that logs after `gate`. */
function loggingHandler(message: string, gate: Promise<void> = Promise.resolve()) {
  return middy()
    .use(logLambdaContext())
    .handler(async () => {
      await gate;
      logger.info(message);
    });
}

const contextOf = (functionName: string) => createLambdaContext({ functionName, timeoutMs: 5_000 });

const lines = () =>
  output.logs().map(({ message, function_name, cold_start }) => ({
    message,
    function_name,
    cold_start,
  }));

describe('withOwnLogger (the local stack hosts every function in one process)', () => {
  it('keeps the Lambda context of each invocation when two functions overlap', async () => {
    let open = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const createSession = withOwnLogger(loggingHandler('session created', gate));
    const reconcile = withOwnLogger(loggingHandler('reconciler ran'));

    const creating = createSession({}, contextOf('create-session'));
    await reconcile({}, contextOf('reconcile'));
    open();
    await creating;

    expect(lines()).toEqual([
      expect.objectContaining({ message: 'reconciler ran', function_name: 'reconcile' }),
      expect.objectContaining({ message: 'session created', function_name: 'create-session' }),
    ]);
  });

  it("logs cold_start true on each function's first invocation only", async () => {
    const createSession = withOwnLogger(loggingHandler('session created'));
    const callback = withOwnLogger(loggingHandler('callback recorded'));

    await createSession({}, contextOf('create-session'));
    await createSession({}, contextOf('create-session'));
    await callback({}, contextOf('callback'));

    expect(lines()).toEqual([
      { message: 'session created', function_name: 'create-session', cold_start: true },
      { message: 'session created', function_name: 'create-session', cold_start: false },
      { message: 'callback recorded', function_name: 'callback', cold_start: true },
    ]);
  });

  it('leaves the logger as it is outside the local stack (one function per process)', async () => {
    const handler = loggingHandler('deployed line');

    await handler({}, contextOf('create-session'));
    await handler({}, contextOf('create-session'));

    expect(lines().map((line) => line.function_name)).toEqual(['create-session', 'create-session']);
  });
});
