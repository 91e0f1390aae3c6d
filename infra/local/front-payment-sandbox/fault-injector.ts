import * as v from 'valibot';
import type { SandboxFault } from './types.ts';

const TimesSchema = v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)));

/** A fault as the control API receives it (JSON). */
export const SandboxFaultSchema = v.variant('kind', [
  v.strictObject({
    kind: v.literal('status'),
    statusCode: v.picklist([400, 401, 403, 404, 408, 417, 422, 429, 500, 502, 503, 504, 510]),
    afterCommit: v.optional(v.boolean()),
    times: TimesSchema,
  }),
  v.strictObject({
    kind: v.literal('delay'),
    delayMs: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(600_000)),
    times: TimesSchema,
  }),
  v.strictObject({ kind: v.literal('drop-connection'), times: TimesSchema }),
  v.strictObject({ kind: v.literal('broken-answer'), times: TimesSchema }),
]);

interface PendingFault {
  readonly fault: SandboxFault;
  remaining: number;
}

/** Faults wait in line: each API request takes one use of the first fault still pending. */
export class FaultInjector {
  readonly #pending: PendingFault[] = [];

  inject(fault: SandboxFault): void {
    this.#pending.push({ fault, remaining: fault.times ?? 1 });
  }

  clear(): void {
    this.#pending.length = 0;
  }

  /** The fault for this request, if any, used up. */
  take(): SandboxFault | undefined {
    const first = this.#pending[0];
    if (!first) return undefined;
    first.remaining -= 1;
    if (first.remaining <= 0) this.#pending.shift();
    return first.fault;
  }

  pending(): readonly SandboxFault[] {
    return this.#pending.map(({ fault, remaining }) => ({ ...fault, times: remaining }));
  }
}
