import type { MoneyCommand } from './money-race-plan.ts';

/**
 * The money invariants of the race, checked once everything has settled: Front Payment's records
 * are the truth, the bus and our commands must agree with them. Pure: it reads what the test
 * collected and lists every violation, in words that name the reservation and the movement.
 */

/** What Front Payment's details and history show for one reservation. */
export interface FrontPaymentTruth {
  readonly reservationUuid: string;
  readonly reserved: boolean;
  readonly captures: readonly { readonly reference: string; readonly amount: number }[];
  readonly charges: readonly { readonly reference: string; readonly amount: number }[];
  /** One per refund in Front Payment's history. */
  readonly refunds: readonly { readonly source: 'captured' | 'charged'; readonly amount: number }[];
}

/** One delivery of a status event on the bus (a redelivery repeats the eventId). */
export interface BusEvent {
  readonly eventId: string;
  readonly reservationUuid: string;
  readonly status: string;
  readonly amount: number;
  readonly reference: string | null;
}

/** A command as `GET /reservations/{id}` lists it. */
export interface RecordedCommand {
  readonly commandId: string;
  readonly command: string;
  readonly state: string;
  readonly amount?: number;
  readonly reference?: string;
  /** Why it was refused or is unknown, as the API answers it. */
  readonly failure?: { readonly reason: string };
  /** The Idempotency-Key of the race request it records; undefined when none matches. */
  readonly request: string | undefined;
}

/** A capture, charge or refund POST as it reached Front Payment (seen on the wire). */
export interface CommandPost {
  readonly command: MoneyCommand;
  readonly reservationUuid: string;
  /** Front Payment's answer status; undefined when it gave none. */
  readonly serviceStatus: number | undefined;
  /** `data.uuid` of Front Payment's 202 (CAP…/CHA…), when it answered one. */
  readonly reference: string | undefined;
  /** The POST's `grandTotal`. */
  readonly amount: number;
  /** The Idempotency-Key of the request it came from, when the body names it (capture note, charge line name). */
  readonly requestTag: string | undefined;
}

export interface RaceReservation {
  readonly reservationId: string;
  readonly reservationUuid: string;
  readonly truth: FrontPaymentTruth;
  readonly events: readonly BusEvent[];
  readonly commands: readonly RecordedCommand[];
  readonly posts: readonly CommandPost[];
}

export function moneyRaceViolations(reservations: readonly RaceReservation[]): string[] {
  return reservations.flatMap((reservation) => {
    const name = `${reservation.reservationId} (${reservation.reservationUuid})`;
    return [
      ...eachMovementIsOneEvent(reservation),
      ...eachMovementSettlesAtMostOneCommand(reservation),
      ...noCommandAcceptedWithoutMovement(reservation),
      ...noMorePostsThanCommands(reservation),
    ].map((violation) => `${name}: ${violation}`);
  });
}

/** Invariant 1: every movement is exactly one event (distinct eventIds), and no event is extra. */
function eachMovementIsOneEvent({ truth, events }: RaceReservation): string[] {
  const violations: string[] = [];
  const byId = new Map<string, BusEvent>();
  for (const event of events) {
    const earlier = byId.get(event.eventId);
    if (earlier && !sameChange(earlier, event)) {
      violations.push(`event ${event.eventId} was delivered with two different contents`);
    }
    byId.set(event.eventId, event);
  }
  const distinct = [...byId.values()];
  const ofStatus = (status: string) => distinct.filter((event) => event.status === status);

  const reserved = ofStatus('RESERVED').length;
  if (reserved !== (truth.reserved ? 1 : 0)) {
    violations.push(
      `RESERVED is ${reserved} events, Front Payment shows ${truth.reserved ? 1 : 0}`,
    );
  }
  for (const [status, payments] of [
    ['CAPTURED', truth.captures],
    ['CHARGED', truth.charges],
  ] as const) {
    const known = new Set(payments.map((payment) => payment.reference));
    for (const payment of payments) {
      const matching = ofStatus(status).filter((event) => event.reference === payment.reference);
      if (matching.length !== 1) {
        violations.push(
          `${status} ${payment.reference} (${payment.amount}) is ${matching.length} events, not 1`,
        );
      } else if (cents(matching[0]?.amount) !== cents(payment.amount)) {
        violations.push(
          `${status} ${payment.reference} is ${payment.amount} at Front Payment, ${matching[0]?.amount} in its event`,
        );
      }
    }
    for (const event of ofStatus(status)) {
      if (event.reference === null || !known.has(event.reference)) {
        violations.push(
          `${status} event ${event.eventId} (${event.amount}, ${event.reference}) is no movement at Front Payment`,
        );
      }
    }
  }
  const refundEvents = ofStatus('REFUNDED').map((event) => event.amount);
  const refunds = truth.refunds.map((refund) => refund.amount);
  if (!sameMultiset(refundEvents, refunds)) {
    violations.push(
      `refunds at Front Payment are [${sorted(refunds)}], REFUNDED events are [${sorted(refundEvents)}]`,
    );
  }
  return violations;
}

/**
 * Invariant 2: one movement settles at most one command: no two ACCEPTED captures or charges
 * carry the same CAP…/CHA…, and the ACCEPTED refunds are among the refunds Front Payment's
 * history lists (one each; refunds have no id, so they are matched by amount).
 */
function eachMovementSettlesAtMostOneCommand({ truth, commands }: RaceReservation): string[] {
  const violations: string[] = [];
  for (const command of ['capture', 'charge'] as const) {
    const byReference = new Map<string, string[]>();
    for (const record of accepted(commands, command)) {
      if (!record.reference) continue;
      byReference.set(record.reference, [
        ...(byReference.get(record.reference) ?? []),
        record.commandId,
      ]);
    }
    for (const [reference, ids] of byReference) {
      if (ids.length > 1) {
        violations.push(`${ids.length} ACCEPTED ${command} commands claim ${reference}: ${ids}`);
      }
    }
  }
  const refunded = truth.refunds.map((refund) => refund.amount);
  const acceptedRefunds = accepted(commands, 'refund').map((record) => record.amount ?? -1);
  if (!isSubMultiset(acceptedRefunds, refunded)) {
    violations.push(
      `ACCEPTED refunds [${sorted(acceptedRefunds)}] are not among Front Payment's refunds [${sorted(refunded)}]`,
    );
  }
  return violations;
}

/**
 * Invariant 3: an ACCEPTED capture or charge names a movement of its kind and amount, never one
 * another of our requests made, and never a portal movement when its own request made one. A
 * portal movement may settle a command whose request moved nothing: the issue allows a unique
 * match, and Front Payment's records cannot tell the two apart.
 */
function noCommandAcceptedWithoutMovement({ truth, commands, posts }: RaceReservation): string[] {
  const violations: string[] = [];
  for (const record of commands) {
    if (record.request === undefined) {
      violations.push(`${record.command} ${record.commandId} matches none of the race's requests`);
    }
  }
  for (const command of ['capture', 'charge'] as const) {
    const payments = command === 'capture' ? truth.captures : truth.charges;
    const madeBy = new Map(
      posts
        .filter((post) => post.command === command && acted(post))
        .map((post) => [post.reference, post.requestTag]),
    );
    for (const record of accepted(commands, command)) {
      const payment = payments.find((each) => each.reference === record.reference);
      if (!payment) {
        violations.push(
          `ACCEPTED ${command} ${record.commandId} names ${record.reference ?? 'no reference'}, which Front Payment does not show`,
        );
      } else if (cents(payment.amount) !== cents(record.amount)) {
        violations.push(
          `ACCEPTED ${command} ${record.commandId} of ${record.amount} names ${payment.reference} of ${payment.amount}`,
        );
      } else if (!madeBy.has(payment.reference)) {
        const own = [...madeBy].find(([, request]) => request === record.request)?.[0];
        if (own !== undefined) {
          violations.push(
            `ACCEPTED ${command} of request ${record.request} names ${payment.reference}, a portal movement, though its own POST made ${own}`,
          );
        }
      } else if (madeBy.get(payment.reference) !== record.request) {
        violations.push(
          `ACCEPTED ${command} of request ${record.request} names ${payment.reference}, which request ${madeBy.get(payment.reference)} made`,
        );
      }
    }
  }
  return violations;
}

/**
 * Invariant 4: Front Payment carried out no more POSTs of a kind than we have ACCEPTED or
 * OUTCOME_UNKNOWN commands of it (a POST it refused moved nothing and may be sent again), and no
 * request (one Idempotency-Key's body) made it act twice.
 */
function noMorePostsThanCommands({ commands, posts }: RaceReservation): string[] {
  const violations: string[] = [];
  for (const command of ['capture', 'charge', 'refund'] as const) {
    const carriedOut = posts.filter((post) => post.command === command && acted(post));
    const answerable = commands.filter(
      (record) =>
        record.command === command &&
        (record.state === 'ACCEPTED' || record.state === 'OUTCOME_UNKNOWN'),
    ).length;
    if (carriedOut.length > answerable) {
      violations.push(
        `Front Payment carried out ${carriedOut.length} ${command} POSTs, we have ${answerable} ACCEPTED or OUTCOME_UNKNOWN ${command} commands (${describe(commands, command)})`,
      );
    }
    const perRequest = new Map<string, number>();
    for (const post of carriedOut) {
      if (post.requestTag === undefined) continue;
      perRequest.set(post.requestTag, (perRequest.get(post.requestTag) ?? 0) + 1);
    }
    for (const [tag, count] of perRequest) {
      if (count > 1) violations.push(`request ${tag} made Front Payment ${command} ${count} times`);
    }
  }
  return violations;
}

/** Front Payment carried the POST out: it answered 2xx (whether or not the answer reached us). */
function acted(post: CommandPost): boolean {
  return post.serviceStatus !== undefined && post.serviceStatus >= 200 && post.serviceStatus < 300;
}

function accepted(commands: readonly RecordedCommand[], command: MoneyCommand) {
  return commands.filter((record) => record.command === command && record.state === 'ACCEPTED');
}

function describe(commands: readonly RecordedCommand[], command: MoneyCommand): string {
  // With the failure's reason, so a failing seed says which path ended the command so.
  const states = commands
    .filter((record) => record.command === command)
    .map((record) => (record.failure ? `${record.state}(${record.failure.reason})` : record.state));
  return states.length === 0 ? 'none recorded' : states.join(', ');
}

function sameChange(left: BusEvent, right: BusEvent): boolean {
  return (
    left.status === right.status &&
    cents(left.amount) === cents(right.amount) &&
    left.reference === right.reference
  );
}

function cents(amount: number | undefined): number {
  return Math.round((amount ?? Number.NaN) * 100);
}

function sorted(amounts: readonly number[]): number[] {
  return [...amounts].sort((a, b) => a - b);
}

function sameMultiset(left: readonly number[], right: readonly number[]): boolean {
  return left.length === right.length && isSubMultiset(left, right);
}

function isSubMultiset(part: readonly number[], whole: readonly number[]): boolean {
  const left = whole.map(cents);
  for (const amount of part.map(cents)) {
    const index = left.indexOf(amount);
    if (index < 0) return false;
    left.splice(index, 1);
  }
  return true;
}
