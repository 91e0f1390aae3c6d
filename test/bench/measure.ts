import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

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

export interface ColdStart {
  readonly importMs: number;
  readonly rssMb: number;
}

/**
 * Imports a bundle in a fresh Node process, as a Lambda cold start does, and reports the median
 * import time and the resident memory after it.
 */
export async function coldStart(
  file: string,
  environment: Record<string, string>,
  times: number,
): Promise<ColdStart> {
  const script =
    'const t = performance.now(); await import(process.argv[1]);' +
    'console.log(JSON.stringify({ ms: performance.now() - t, rss: process.memoryUsage().rss }));';
  const samples: { ms: number; rss: number }[] = [];
  for (let index = 0; index < times; index++) {
    const { stdout } = await run(
      process.execPath,
      ['--no-warnings', '--input-type=module', '-e', script, file],
      { env: { ...process.env, ...environment } },
    );
    samples.push(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}'));
  }
  return {
    importMs: median(samples.map((sample) => sample.ms)),
    rssMb: median(samples.map((sample) => sample.rss)) / 1024 / 1024,
  };
}
