/**
 * The handler of a bench floor: it sends the one call its event names, and does nothing else.
 * Each floor lists its function's calls, so its bundle keeps exactly the SDK commands the
 * function's bundle keeps (`test/infra/bench-floors.test.ts`).
 */
export function callsHandler(calls: Readonly<Record<string, () => Promise<unknown>>>) {
  return async (event: { readonly call: string }) => calls[event.call]?.();
}
