import { AsyncLocalStorage } from 'node:async_hooks';
import { Logger } from '@aws-lambda-powertools/logger';
import { installReadableStacks } from './readable-stack.ts';

// Logged errors keep stack frames of our TypeScript sources, at no cost to the cold start.
installReadableStacks();

const loggerOptions = () => ({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'front-payment-reservations',
});

const functionLogger = new Logger(loggerOptions());

// Empty in AWS, where each function has its own process; the local stack fills it (runWithLogger).
const invocationLogger = new AsyncLocalStorage<Logger>();

/**
 * Structured JSON logs. Call sites log ids, statuses and field paths, never request bodies,
 * tokens or personal data.
 *
 * In AWS this is the function's one Powertools logger. The local stack runs every function in one
 * process, where one logger would mix up overlapping invocations (the Lambda context of one on the
 * lines of another): there each invocation runs with its own logger, which this one stands for.
 */
export const logger: Logger = new Proxy(functionLogger, {
  get(target, key) {
    const current = invocationLogger.getStore() ?? target;
    const value: unknown = Reflect.get(current, key, current);
    // Powertools keeps private fields: its methods must run on the logger itself.
    return typeof value === 'function' ? value.bind(current) : value;
  },
});

/** Runs `invocation` with `own` as `logger` (the local stack: one logger per invocation). */
export function runWithLogger<T>(own: Logger, invocation: () => T): T {
  return invocationLogger.run(own, invocation);
}

/** Powertools' logger, for one invocation of a function that may have run before. */
class InvocationLogger extends Logger {
  constructor(coldStart: boolean) {
    super(loggerOptions());
    this.coldStart &&= coldStart;
  }
}

/**
 * A logger with the functions' settings (read now), for `runWithLogger`; `coldStart` is false
 * after a function's first invocation, as Lambda's warm containers log it.
 */
export function newInvocationLogger(coldStart: boolean): Logger {
  return new InvocationLogger(coldStart);
}
