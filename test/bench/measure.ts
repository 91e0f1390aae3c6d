/** The value below which `share` (0 to 1) of the numbers fall, by nearest rank. */
export function quantile(values: readonly number[], share: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? 0;
}

/** Median of a list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/**
 * Medians of functions measured in turns: each round runs every one once, in an order that
 * rotates per round, so a change in the machine's load falls on all alike. `prepare` and `after`
 * run around every sample of `sides.ours`, untimed. Five rounds of warm-up first.
 */
export async function interleavedMedians(
  rounds: number,
  sides: Readonly<Record<string, () => Promise<unknown>>>,
  around: {
    readonly prepare?: (() => Promise<unknown>) | undefined;
    readonly after?: (() => Promise<unknown>) | undefined;
  } = {},
): Promise<Record<string, number>> {
  const names = Object.keys(sides);
  const samples = new Map(names.map((name) => [name, [] as number[]]));
  for (let round = -5; round < rounds; round++) {
    const shift = (round + 5) % names.length;
    for (const name of [...names.slice(shift), ...names.slice(0, shift)]) {
      if (name === 'ours') await around.prepare?.();
      const start = performance.now();
      await sides[name]?.();
      const elapsed = performance.now() - start;
      if (name === 'ours') await around.after?.();
      if (round >= 0) samples.get(name)?.push(elapsed);
    }
  }
  return Object.fromEntries(names.map((name) => [name, median(samples.get(name) ?? [])]));
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
