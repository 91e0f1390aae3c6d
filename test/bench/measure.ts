/** Median of a list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/**
 * Medians of two functions measured in turns: each round runs both, the first of them
 * alternating, so a change in the machine's load falls on both alike. `prepare` and `after` run
 * around every sample of `ours`, untimed. Five rounds of warm-up first.
 */
export async function interleavedMedians(
  rounds: number,
  sides: {
    readonly ours: () => Promise<unknown>;
    readonly floor: () => Promise<unknown>;
    readonly prepare?: () => Promise<unknown>;
    readonly after?: () => Promise<unknown>;
  },
): Promise<{ readonly ours: number; readonly floor: number }> {
  const samples = { ours: [] as number[], floor: [] as number[] };
  const timed = async (side: 'ours' | 'floor', warm: boolean) => {
    if (side === 'ours') await sides.prepare?.();
    const start = performance.now();
    await sides[side]();
    const elapsed = performance.now() - start;
    if (side === 'ours') await sides.after?.();
    if (!warm) samples[side].push(elapsed);
  };
  for (let round = -5; round < rounds; round++) {
    const order = round % 2 === 0 ? (['ours', 'floor'] as const) : (['floor', 'ours'] as const);
    for (const side of order) await timed(side, round < 0);
  }
  return { ours: median(samples.ours), floor: median(samples.floor) };
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
