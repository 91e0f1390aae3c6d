import { afterEach, beforeEach } from 'vitest';

type Write = typeof process.stdout.write;

/**
 * Everything written to stdout and stderr during each test (Powertools Logger writes JSON lines
 * there), so tests can assert that no secret or personal value was logged.
 */
export function captureOutput(): { readonly text: () => string } {
  let chunks: string[] = [];
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((stream) => stream.write);
  beforeEach(() => {
    chunks = [];
    streams.forEach((stream, index) => {
      const original = originals[index] as Write;
      stream.write = ((chunk: unknown, ...rest: unknown[]) => {
        chunks.push(String(chunk));
        return (original as (...args: unknown[]) => boolean).call(stream, chunk, ...rest);
      }) as Write;
    });
  });
  afterEach(() => {
    streams.forEach((stream, index) => {
      stream.write = originals[index] as Write;
    });
  });
  return { text: () => chunks.join('') };
}
