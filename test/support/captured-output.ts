import { afterEach, beforeEach } from 'vitest';

type Write = typeof process.stdout.write;

/** One JSON line as `shared/logging/logger.ts` writes it. */
export interface LogRecord {
  readonly level: string;
  readonly message: string;
  readonly [key: string]: unknown;
}

export interface CapturedOutput {
  /** Everything written to stdout and stderr during the current test. */
  readonly text: () => string;
  /** The JSON log lines among it, parsed. */
  readonly logs: () => LogRecord[];
}

/**
 * Captures everything written to stdout and stderr during each test (our logger writes JSON
 * lines there), so tests can assert what was logged, including that no secret or personal value
 * was. The output does not reach the console, so a green run shows only vitest's lines; when a
 * test fails, its output is printed after all, to help find out why.
 */
export function captureOutput(): CapturedOutput {
  let chunks: string[] = [];
  const streams = [process.stdout, process.stderr] as const;
  const originals = streams.map((stream) => stream.write);
  beforeEach(({ onTestFailed }) => {
    chunks = [];
    for (const stream of streams) {
      stream.write = ((chunk: unknown, ...rest: unknown[]) => {
        chunks.push(String(chunk));
        // Node calls back once written; keep that promise for writers that wait on it.
        const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
        callback?.();
        return true;
      }) as Write;
    }
    onTestFailed(() => {
      const shown = chunks.join('');
      if (shown)
        (originals[1] as Write).call(process.stderr, `Output of the failed test:\n${shown}`);
    });
  });
  afterEach(() => {
    streams.forEach((stream, index) => {
      stream.write = originals[index] as Write;
    });
  });
  const text = () => chunks.join('');
  return { text, logs: () => parseLogLines(text()) };
}

/**
 * What `action` (synchronous, e.g. a CDK synth) writes to stdout and stderr, kept off the
 * console, for set-up code that runs outside a test.
 */
export function outputOf<T>(action: () => T): { readonly result: T; readonly text: string } {
  const chunks: string[] = [];
  const streams = [process.stdout, process.stderr] as const;
  const originals = streams.map((stream) => stream.write);
  for (const stream of streams) {
    stream.write = ((chunk: unknown) => {
      chunks.push(String(chunk));
      return true;
    }) as Write;
  }
  try {
    return { result: action(), text: chunks.join('') };
  } finally {
    streams.forEach((stream, index) => {
      stream.write = originals[index] as Write;
    });
  }
}

function parseLogLines(text: string): LogRecord[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogRecord);
}
