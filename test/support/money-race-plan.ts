import fc from 'fast-check';

/**
 * The plan of one money race: waves run one after another, and everything in a wave runs at
 * once. Reservations are named by index (taken modulo their number when the plan is run), so one
 * plan fits any number of reservations. Amounts come from two-value tables, so two keys often ask
 * for the same amount, the case where one movement could be taken for another command's.
 */

export type MoneyCommand = 'capture' | 'charge' | 'refund';

/** Each command's amounts: two values, so "same" and "different" amounts both come up often. */
export const RACE_AMOUNTS: Readonly<Record<MoneyCommand, readonly [number, number]>> = {
  capture: [100, 250],
  charge: [50, 80],
  refund: [10, 30],
};

/** How the sandbox delivers the callbacks of a wave's changes. */
export type CallbackDelivery =
  /** As Front Payment does: one GET per change, before its API answers. */
  | 'immediate'
  /** Every callback twice, identical, as a retrying sender would. */
  | 'twice'
  /** Held back: sent late (newest first) by a later `deliver-held`, or never (dropped). */
  | 'held';

export type RaceAction =
  /**
   * A command from task A or B of the merchant, with a new Idempotency-Key; `both`: tasks A and
   * B send the same command and amount at once, each with its own key.
   */
  | {
      readonly kind: 'command';
      readonly reservation: number;
      readonly caller: 'A' | 'B';
      readonly both: boolean;
      readonly command: MoneyCommand;
      readonly amount: 0 | 1;
      readonly refundSource: 'captured' | 'charged';
      readonly delayMs: number;
    }
  /** An earlier command request again, same caller, same key, same body (`of` modulo their count). */
  | { readonly kind: 'retry'; readonly of: number; readonly delayMs: number }
  /** The held callbacks of a reservation, sent now. */
  | { readonly kind: 'deliver-held'; readonly reservation: number; readonly delayMs: number }
  /** One callback the sandbox sent before, delivered again (`which` modulo their count). */
  | {
      readonly kind: 'redeliver';
      readonly reservation: number;
      readonly which: number;
      readonly delayMs: number;
    }
  | { readonly kind: 'reconcile'; readonly delayMs: number }
  | { readonly kind: 'sweep'; readonly delayMs: number }
  /** A capture, charge or refund made in Front Payment's portal, outside our API. */
  | {
      readonly kind: 'portal';
      readonly reservation: number;
      readonly movement: MoneyCommand;
      readonly amount: 0 | 1;
      readonly delayMs: number;
    };

/**
 * A fault armed for one wave on the wire of one of the wave's command requests (`target` modulo
 * their count; a wave without commands takes reservation `target`): Front Payment refusing that
 * command before it acts or losing its answer after it acted; DynamoDB failing (or losing the
 * answer of) the write of a command's outcome or of a recorded change on that reservation.
 */
export type RaceFault =
  | {
      readonly kind: 'front-payment';
      readonly target: number;
      readonly action: 'refuse' | 'drop-before' | 'lose-answer' | 'drop-after';
    }
  | {
      readonly kind: 'dynamodb';
      readonly target: number;
      readonly write: 'command-outcome' | 'status-change';
      readonly action: 'refuse' | 'lose-answer';
    };

export interface RaceWave {
  /** Where most of the wave's actions go: a reservation index below HOT_SHARE names it instead. */
  readonly hot: number;
  readonly delivery: CallbackDelivery;
  readonly actions: readonly RaceAction[];
  readonly faults: readonly RaceFault[];
  /** Entries EventBridge fails (in a 200 answer) at the start of the wave. */
  readonly failedEventEntries: number;
}

export interface RacePlan {
  readonly waves: readonly RaceWave[];
}

/** Reservation indexes below this (out of 100) mean the wave's hot reservation. */
export const HOT_SHARE = 60;

const reservation = fc.nat({ max: 99 });
const delayMs = fc.integer({ min: 0, max: 40 });

const action: fc.Arbitrary<RaceAction> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('command' as const),
      reservation,
      caller: fc.constantFrom('A' as const, 'B' as const),
      both: fc.boolean(),
      command: fc.constantFrom<MoneyCommand>('capture', 'capture', 'charge', 'refund', 'refund'),
      amount: fc.constantFrom(0 as const, 1 as const),
      refundSource: fc.constantFrom('captured' as const, 'captured' as const, 'charged' as const),
      delayMs,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('retry' as const), of: fc.nat(), delayMs }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('deliver-held' as const), reservation, delayMs }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('redeliver' as const),
      reservation,
      which: fc.nat(),
      delayMs,
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reconcile' as const), delayMs }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('sweep' as const), delayMs }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('portal' as const),
      reservation,
      movement: fc.constantFrom<MoneyCommand>('capture', 'charge', 'refund'),
      amount: fc.constantFrom(0 as const, 1 as const),
      delayMs,
    }),
  },
);

const fault: fc.Arbitrary<RaceFault> = fc.oneof(
  fc.record({
    kind: fc.constant('front-payment' as const),
    target: fc.nat(),
    action: fc.constantFrom(
      'refuse' as const,
      'drop-before' as const,
      'lose-answer' as const,
      'drop-after' as const,
    ),
  }),
  fc.record({
    kind: fc.constant('dynamodb' as const),
    target: fc.nat(),
    write: fc.constantFrom('command-outcome' as const, 'status-change' as const),
    action: fc.constantFrom('refuse' as const, 'lose-answer' as const),
  }),
);

/** Plans of three or four waves, each of 10 to 18 actions and 1 to 4 faults. */
export const racePlan: fc.Arbitrary<RacePlan> = fc.record({
  waves: fc.array(
    fc.record({
      hot: fc.nat({ max: 99 }),
      delivery: fc.constantFrom<CallbackDelivery>('immediate', 'twice', 'held'),
      actions: fc.array(action, { minLength: 10, maxLength: 18 }),
      faults: fc.array(fault, { minLength: 1, maxLength: 4 }),
      failedEventEntries: fc.nat({ max: 2 }),
    }),
    { minLength: 3, maxLength: 4 },
  ),
});

/** The plans of runs 0 … count-1 for a seed: run i's plan does not depend on `count`. */
export function racePlans(seed: number, count: number): RacePlan[] {
  return fc.sample(racePlan, { seed, numRuns: count });
}
