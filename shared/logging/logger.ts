import { AsyncLocalStorage } from 'node:async_hooks';
import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import type { StructuredLog } from '../structured-log.ts';
import { jsonLine, type LineLevel, LOG_LEVELS, levelThreshold } from './log-line.ts';
import { installReadableStacks } from './readable-stack.ts';

// Logged errors keep stack frames of our TypeScript sources, at no cost to the cold start.
installReadableStacks();

/**
 * Where lines of one function's invocations get their settings and Lambda context: one per
 * process in AWS; one per invocation in the local stack, which hosts every function in one process.
 */
class LogScope {
  readonly threshold = levelThreshold(process.env.LOG_LEVEL);
  readonly service = process.env.SERVICE_NAME ?? 'front-payment-reservations';
  /** The Lambda context keys of the invocation running, in Powertools' names. */
  invocation: Readonly<Record<string, unknown>> = {};

  /** `coldStart`: whether the next invocation is the first of its function's container. */
  constructor(private coldStart: boolean) {}

  enter(context: Pick<Context, 'functionName' | 'awsRequestId'>): void {
    this.invocation = {
      cold_start: this.coldStart,
      function_name: context.functionName,
      function_request_id: context.awsRequestId,
    };
    this.coldStart = false;
  }
}

// A provisioned-concurrency container is started before any request waits on it.
const functionScope = new LogScope(
  process.env.AWS_LAMBDA_INITIALIZATION_TYPE !== 'provisioned-concurrency',
);
// Empty in AWS; the local stack runs each invocation in a scope of its own (runInOwnLogScope).
const invocationScopes = new AsyncLocalStorage<LogScope>();
const currentScope = () => invocationScopes.getStore() ?? functionScope;

function write(level: LineLevel, message: string, attributes: Record<string, unknown> = {}) {
  const scope = currentScope();
  if (LOG_LEVELS[level] < scope.threshold) return;
  const line: Record<string, unknown> = {
    level,
    message,
    timestamp: new Date().toISOString(),
    service: scope.service,
    ...scope.invocation,
    ...xrayTraceId(),
  };
  // An attribute never replaces the keys every line has.
  for (const [key, value] of Object.entries(attributes)) if (!(key in line)) line[key] = value;
  const stream = LOG_LEVELS[level] >= LOG_LEVELS.WARN ? process.stderr : process.stdout;
  stream.write(`${jsonLine(line)}\n`);
}

/** The invocation's trace id, which Lambda sets for every request (`Root=…;Parent=…`). */
function xrayTraceId(): { xray_trace_id?: string } {
  const root = /Root=([^;]+)/.exec(process.env._X_AMZN_TRACE_ID ?? '')?.[1];
  return root ? { xray_trace_id: root } : {};
}

/**
 * Structured logs: one JSON line per call with Powertools Logger's key names (`level`, `message`,
 * `timestamp`, `service`, `cold_start`, `function_name`, `function_request_id`, `xray_trace_id`),
 * so CloudWatch queries and metric filters read them the same way. Call sites log ids, statuses
 * and field paths, never request bodies, tokens or personal data. `LOG_LEVEL` sets the level
 * (INFO by default), `SERVICE_NAME` the `service` key.
 */
export const logger: StructuredLog = {
  debug: (message, attributes) => write('DEBUG', message, attributes),
  info: (message, attributes) => write('INFO', message, attributes),
  warn: (message, attributes) => write('WARN', message, attributes),
  error: (message, attributes) => write('ERROR', message, attributes),
};

/** middy middleware: every line the invocation writes carries its Lambda context. */
export function logLambdaContext(): MiddlewareObj<unknown, unknown, Error, Context> {
  return {
    before: ({ context }) => currentScope().enter(context),
  };
}

/**
 * Runs one invocation in a log scope of its own, with the settings the environment has now: the
 * local stack's way of giving each function the lines it would write in a process of its own.
 * `coldStart` is false after a function's first invocation, as Lambda's warm containers log it.
 */
export function runInOwnLogScope<T>(coldStart: boolean, invocation: () => T): T {
  return invocationScopes.run(new LogScope(coldStart), invocation);
}
