import { randomInt } from 'node:crypto';

/** Front Payment style ids (`RES4161996022`, `CSRT3463048878`): a prefix and 10 digits, unique. */
export class IdGenerator {
  readonly #issued = new Set<string>();

  next(prefix: 'RES' | 'CSRT' | 'CAP' | 'CHA'): string {
    for (;;) {
      const id = `${prefix}${randomInt(1_000_000_000, 10_000_000_000)}`;
      if (this.#issued.has(id)) continue;
      this.#issued.add(id);
      return id;
    }
  }
}
