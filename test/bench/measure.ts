/** Median of a list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** Runs `fn` `times` times after a short warm-up and returns the median milliseconds per run. */
export async function medianMs(times: number, fn: () => Promise<unknown>): Promise<number> {
  for (let index = 0; index < Math.min(10, times); index++) await fn();
  const samples: number[] = [];
  for (let index = 0; index < times; index++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

/** Operations per second of a synchronous function, measured over about `ms` milliseconds. */
export function opsPerSecond(fn: () => unknown, ms = 500): number {
  for (let index = 0; index < 1_000; index++) fn();
  let count = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    for (let index = 0; index < 100; index++) fn();
    count += 100;
  }
  return (count * 1_000) / (performance.now() - start);
}
