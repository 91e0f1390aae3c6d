/**
 * The one backoff of the codebase: the wait before try `attempt` (the first retry is attempt 2)
 * grows from `baseMs` by doubling up to `maxMs`, and is drawn between half and all of that, so
 * callers that failed together do not retry in step.
 */
export function backoffMs(
  attempt: number,
  {
    baseMs,
    maxMs = Number.POSITIVE_INFINITY,
  }: { readonly baseMs: number; readonly maxMs?: number },
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 2));
  return ceiling / 2 + random() * (ceiling / 2);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
