/**
 * A value a `beforeAll`/`beforeEach` hook sets. Reading it earlier (at a file's top level) is a
 * mistake in the test file, so it fails saying which value, not with a TypeError further on.
 */
export function setByHook<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new Error(`${name} is read before the hook that sets it has run`);
  return value;
}
