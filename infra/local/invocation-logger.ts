import { newInvocationLogger, runWithLogger } from '#shared/logger';

/**
 * Runs a handler as Lambda would in a process of its own, although the local stack hosts every
 * function in one: each invocation logs with its own logger (overlapping invocations keep their
 * own Lambda context), and only the function's first invocation logs `cold_start: true`.
 */
export function withOwnLogger<Event, Context, Result>(
  handler: (event: Event, context: Context) => Promise<Result>,
): (event: Event, context: Context) => Promise<Result> {
  let invoked = false;
  return (event, context) => {
    const own = newInvocationLogger(!invoked);
    invoked = true;
    return runWithLogger(own, () => handler(event, context));
  };
}
