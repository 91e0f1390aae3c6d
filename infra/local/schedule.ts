export interface Schedule {
  /** Runs the task now (unless a run is under way) and resolves when that run ends. */
  runNow(): Promise<void>;
  /** Stops the timer and waits for a run under way. */
  stop(): Promise<void>;
}

/**
 * Runs a task every `intervalMs`, like an EventBridge schedule rule, but never two runs at once
 * (a slow run simply delays the next). Errors go to `onError`; the schedule keeps going.
 */
export function startSchedule(
  intervalMs: number,
  task: () => Promise<void>,
  onError: (error: unknown) => void,
): Schedule {
  let running: Promise<void> | undefined;
  const runOnce = () => {
    running ??= task()
      .catch(onError)
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = setInterval(() => void runOnce(), intervalMs);
  // The schedule alone must not keep the process alive.
  timer.unref();
  return {
    runNow: runOnce,
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
