/** Why a run stopped calling Front Payment before its walk ended. */
export type StopReason = 'time' | 'calls' | 'throttled' | 'failing';

/** Front Payment failures in a row after which a run stops calling it. */
const MAX_FAILURES_IN_A_ROW = 3;

/**
 * What one run may still spend: Front Payment calls, time (from the Lambda's remaining time, less
 * a reserve to finish writing), and no call at all after Front Payment asked us to slow down.
 */
export class RunBudget {
  readonly #deadline: number;
  readonly #now: () => number;
  #callsLeft: number;
  #failuresInARow = 0;
  #stopped: StopReason | undefined;

  constructor(options: { calls: number; deadline: number; now?: () => number }) {
    this.#callsLeft = options.calls;
    this.#deadline = options.deadline;
    this.#now = options.now ?? Date.now;
  }

  /** Why no more work starts, or undefined while it may. */
  get stopped(): StopReason | undefined {
    // Out of time is the reason whatever else happened: nothing more could have been done.
    if (this.#now() >= this.#deadline) return 'time';
    return this.#stopped;
  }

  get callsLeft(): number {
    return this.#callsLeft;
  }

  /** Milliseconds until the deadline: a call's timeout never reaches past it. */
  get remainingMs(): number {
    return Math.max(0, this.#deadline - this.#now());
  }

  /** Takes one call from the budget; false (and nothing taken) when none may start. */
  takeCall(): boolean {
    if (this.stopped) return false;
    if (this.#callsLeft <= 0) {
      this.#stopped = 'calls';
      return false;
    }
    this.#callsLeft -= 1;
    return true;
  }

  succeeded(): void {
    this.#failuresInARow = 0;
  }

  /**
   * A failed call. 429, 503 and 408 (Front Payment asked us to wait) stop all calls for this
   * run; so do several failures in a row (it is down or hangs).
   */
  failed(error: unknown): void {
    this.#failuresInARow += 1;
    // The base class only (its subclasses are 5xx and broken connections): "slow down, retry".
    if (error instanceof Error && error.name === 'FrontPaymentUnavailableError') {
      this.#stopped = 'throttled';
    } else if (this.#failuresInARow >= MAX_FAILURES_IN_A_ROW) {
      this.#stopped = 'failing';
    }
  }
}
