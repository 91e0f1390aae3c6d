import { runInOwnLogScope } from '#shared/logging/logger';

/**
 * Runs a handler as Lambda would in a process of its own, although the local stack hosts every
 * function in one: each invocation logs in its own scope (overlapping invocations keep their own
 * Lambda context), and only the function's first invocation logs `cold_start: true`.
 */
export function withOwnLogger<Event, Context, Result>(
  handler: (event: Event, context: Context) => Promise<Result>,
): (event: Event, context: Context) => Promise<Result> {
  let invoked = false;
  return (event, context) => {
    const coldStart = !invoked;
    invoked = true;
    return runInOwnLogScope(coldStart, () => handler(event, context));
  };
}
