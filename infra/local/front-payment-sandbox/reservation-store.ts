import type { CreatePayloadSummary } from './create-payload-summary.ts';
import type { IdGenerator } from './ids.ts';
import { dataGet } from './laravel-rules.ts';
import { SandboxRefusalError, SandboxReservationNotFoundError } from './sandbox-errors.ts';
import type {
  CardMethod,
  SandboxHistoryEntry,
  SandboxProduct,
  SandboxReservation,
  SandboxReservationStatus,
} from './types.ts';

/** A change Front Payment notifies through the callback URL. */
export interface StatusChange {
  readonly reservationUuid: string;
  readonly status: 'RESERVED' | 'CAPTURED' | 'CHARGED';
  /** The amount of this change: the reserved total, a (partial) capture, a charge. */
  readonly amount: number;
  readonly paymentMethod: CardMethod;
  readonly at: Date;
  readonly callbackUrl: string | undefined;
  /** CAP… or CHA… for captures and charges. */
  readonly reference?: string;
  /** When the order was created: what a documented callback sends as `createdAt`. */
  readonly orderCreatedAt: Date;
  /** The order's grand total: what a documented callback sends as `amount`. */
  readonly orderTotal: number;
}

/** Where a refund takes the money back from, as Front Payment's refund request names it. */
export type RefundSource = 'captured' | 'charged';

export interface RefundRequest {
  readonly amount: number;
  readonly source: RefundSource;
  /** The CAP…/CHA… id refunded; @default the latest capture or charge of that source */
  readonly reference?: string;
}

interface ReservationState {
  readonly reservationUuid: string;
  readonly customerUuid: string;
  status: SandboxReservationStatus;
  paymentMethod: CardMethod | undefined;
  reservedAt: Date | undefined;
  // Money in øre (hundredths), so partial captures add up exactly.
  reservedCents: number;
  capturedCents: number;
  chargedCents: number;
  refundedFromCapturedCents: number;
  refundedFromChargeCents: number;
  /** One per capture and per charge, in order, as `paymentHistory` lists them. */
  readonly movements: MovementState[];
  readonly summary: CreatePayloadSummary;
  readonly products: readonly SandboxProduct[];
  readonly payload: unknown;
  readonly history: SandboxHistoryEntry[];
  readonly createdAt: Date;
  /** Captured øre per product line id. */
  readonly lineCapturedCents: Map<number, number>;
}

/** One product line of a capture request: Front Payment's line id and the amount taken from it. */
export interface CaptureLine {
  readonly id: number;
  readonly amount: number;
}

interface MovementState {
  readonly kind: 'captured' | 'charged';
  readonly reference: string;
  readonly cents: number;
  readonly at: Date;
  refundedAt: Date | undefined;
}

const PAID_STATUSES: readonly SandboxReservationStatus[] = ['RESERVED', 'CAPTURED', 'CHARGED'];

/**
 * The reservations and their state machine:
 * SENT -> RESERVED (pay) | DECLINED (decline, paying again is allowed) | CANCELLED;
 * RESERVED/CAPTURED/CHARGED -> CAPTURED (capture, until the reserved amount is used up),
 * CHARGED (charge, repeatable); RESERVED -> CANCELLED.
 */
export class ReservationStore {
  readonly #reservations = new Map<string, ReservationState>();
  readonly #ids: IdGenerator;
  #nextProductId = 101;

  constructor(ids: IdGenerator) {
    this.#ids = ids;
  }

  create(summary: CreatePayloadSummary, payload: unknown, now: Date): SandboxReservation {
    const state: ReservationState = {
      reservationUuid: this.#ids.next('RES'),
      customerUuid: this.#ids.next('CSRT'),
      status: 'SENT',
      paymentMethod: undefined,
      reservedAt: undefined,
      reservedCents: 0,
      capturedCents: 0,
      chargedCents: 0,
      refundedFromCapturedCents: 0,
      refundedFromChargeCents: 0,
      movements: [],
      summary,
      products: summary.products.map((product) => ({ id: this.#nextProductId++, ...product })),
      payload: structuredClone(payload),
      history: [{ status: 'SENT', amount: summary.grandTotal, at: now.toISOString() }],
      createdAt: now,
      lineCapturedCents: new Map(),
    };
    this.#reservations.set(state.reservationUuid, state);
    return snapshot(state);
  }

  find(reservationUuid: string): SandboxReservation | undefined {
    const state = this.#reservations.get(reservationUuid);
    return state && snapshot(state);
  }

  list(): SandboxReservation[] {
    return [...this.#reservations.values()].map(snapshot);
  }

  pay(reservationUuid: string, method: CardMethod, now: Date): StatusChange {
    const state = this.#payable(reservationUuid);
    state.status = 'RESERVED';
    state.paymentMethod = method;
    state.reservedAt = now;
    state.reservedCents = toCents(state.summary.grandTotal);
    state.history.push({
      status: 'RESERVED',
      amount: state.summary.grandTotal,
      at: now.toISOString(),
      paymentMethod: method,
    });
    return change(state, 'RESERVED', state.summary.grandTotal, now);
  }

  decline(reservationUuid: string, now: Date): void {
    const state = this.#payable(reservationUuid);
    state.status = 'DECLINED';
    state.history.push({ status: 'DECLINED', amount: 0, at: now.toISOString() });
  }

  /**
   * Takes `amount` from the reservation: from the named product `lines` (as the capture API
   * names them), or, without lines, from the lines in order, each up to what it has left.
   */
  capture(
    reservationUuid: string,
    amount: number,
    now: Date,
    lines?: readonly CaptureLine[],
  ): StatusChange {
    const state = this.#paid(reservationUuid);
    const cents = positiveCents(amount, 'invalidCaptureAmount');
    const remaining = state.reservedCents - state.capturedCents;
    if (cents > remaining) {
      throw new SandboxRefusalError(
        'captureAmountExceedsReservedAmount',
        `The capture amount ${amount} exceeds the remaining reserved amount ${remaining / 100}.`,
      );
    }
    takeFromLines(state, cents, lines);
    state.capturedCents += cents;
    state.status = 'CAPTURED';
    const reference = this.#ids.next('CAP');
    state.movements.push({ kind: 'captured', reference, cents, at: now, refundedAt: undefined });
    state.history.push({ status: 'CAPTURED', amount, at: now.toISOString(), reference });
    return { ...change(state, 'CAPTURED', amount, now), reference };
  }

  charge(reservationUuid: string, amount: number, now: Date): StatusChange {
    const state = this.#paid(reservationUuid);
    const cents = positiveCents(amount, 'invalidChargeAmount');
    state.chargedCents += cents;
    state.status = 'CHARGED';
    const reference = this.#ids.next('CHA');
    state.movements.push({ kind: 'charged', reference, cents, at: now, refundedAt: undefined });
    state.history.push({ status: 'CHARGED', amount, at: now.toISOString(), reference });
    return { ...change(state, 'CHARGED', amount, now), reference };
  }

  /**
   * Gives back part of what was captured or charged. Front Payment sends no callback for a
   * refund: the next callback's details (or a reconciliation) show it.
   */
  refund(reservationUuid: string, request: RefundRequest, now: Date): SandboxReservation {
    // A completed reservation can still be refunded (the guest has left; the money stays).
    const state =
      this.#get(reservationUuid).status === 'COMPLETED'
        ? this.#get(reservationUuid)
        : this.#paid(reservationUuid);
    const cents = positiveCents(request.amount, 'invalidRefundAmount');
    const kind = request.source === 'captured' ? 'captured' : 'charged';
    const movement = request.reference
      ? state.movements.find((entry) => entry.reference === request.reference)
      : state.movements.filter((entry) => entry.kind === kind).at(-1);
    if (!movement || movement.kind !== kind) {
      throw new SandboxRefusalError(
        'refundReferenceNotFound',
        `No ${request.source} payment ${request.reference ?? ''} to refund.`,
      );
    }
    const refundedSoFar =
      kind === 'captured' ? state.refundedFromCapturedCents : state.refundedFromChargeCents;
    const refundable =
      (kind === 'captured' ? state.capturedCents : state.chargedCents) - refundedSoFar;
    if (cents > refundable) {
      throw new SandboxRefusalError(
        'refundAmountExceedsPaidAmount',
        `The refund amount ${request.amount} exceeds the refundable amount ${refundable / 100}.`,
      );
    }
    if (kind === 'captured') state.refundedFromCapturedCents += cents;
    else state.refundedFromChargeCents += cents;
    movement.refundedAt = now;
    state.history.push({
      status: 'REFUNDED',
      amount: request.amount,
      at: now.toISOString(),
      reference: movement.reference,
    });
    return snapshot(state);
  }

  cancel(reservationUuid: string, note: string | undefined, now: Date): SandboxReservation {
    const state = this.#get(reservationUuid);
    refuseIfCancelled(state);
    refuseIfCompleted(state);
    if (state.status === 'CAPTURED' || state.status === 'CHARGED') {
      throw new SandboxRefusalError(
        'reservationCannotBeCancelled',
        'A captured or charged reservation cannot be cancelled.',
      );
    }
    state.status = 'CANCELLED';
    state.history.push({
      status: 'CANCELLED',
      amount: 0,
      at: now.toISOString(),
      ...(note === undefined ? {} : { note }),
    });
    return snapshot(state);
  }

  /**
   * Front Payment expires a payment link left unpaid past its `dueDateForPaymentLink`: EXPIRED,
   * and no callback (it documents none). Applied whenever the sandbox is asked anything.
   */
  expireUnpaid(now: Date): void {
    for (const state of this.#reservations.values()) {
      const dueAt = paymentLinkDueAt(state.payload);
      const unpaid = state.status === 'SENT' || state.status === 'DECLINED';
      if (!unpaid || dueAt === null || Date.parse(dueAt) > now.getTime()) continue;
      state.status = 'EXPIRED';
      // Never before the link was sent (a due date already past at creation expires at once).
      const at = new Date(Math.max(Date.parse(dueAt), state.createdAt.getTime())).toISOString();
      state.history.push({ status: 'EXPIRED', amount: 0, at });
    }
  }

  /** Ends a paid reservation: nothing more can be captured or charged (refunds still work). */
  complete(reservationUuid: string, note: string, now: Date): SandboxReservation {
    const state = this.#get(reservationUuid);
    refuseIfCancelled(state);
    refuseIfCompleted(state);
    if (!PAID_STATUSES.includes(state.status)) {
      throw new SandboxRefusalError(
        'reservationStatusNotReserved',
        `A reservation in status ${state.status} cannot be completed.`,
      );
    }
    state.status = 'COMPLETED';
    state.history.push({ status: 'COMPLETED', amount: 0, at: now.toISOString(), note });
    return snapshot(state);
  }

  /** A new payment link for an unpaid reservation; refused once it is completed or cancelled. */
  resend(reservationUuid: string): SandboxReservation {
    const state = this.#get(reservationUuid);
    refuseIfCancelled(state);
    refuseIfCompleted(state);
    return snapshot(state);
  }

  #get(reservationUuid: string): ReservationState {
    const state = this.#reservations.get(reservationUuid);
    if (!state) throw new SandboxReservationNotFoundError(reservationUuid);
    return state;
  }

  #payable(reservationUuid: string): ReservationState {
    const state = this.#get(reservationUuid);
    refuseIfCancelled(state);
    if (PAID_STATUSES.includes(state.status)) {
      throw new SandboxRefusalError('reservationAlreadyPaid', 'The reservation is already paid.');
    }
    return state;
  }

  #paid(reservationUuid: string): ReservationState {
    const state = this.#get(reservationUuid);
    refuseIfCancelled(state);
    if (!PAID_STATUSES.includes(state.status)) {
      throw new SandboxRefusalError(
        'reservationNotReserved',
        'The reservation has not been reserved (paid) yet.',
      );
    }
    return state;
  }
}

/** `dueDateForPaymentLink` (unix seconds) of the create payload, as ISO; null when unreadable. */
function paymentLinkDueAt(payload: unknown): string | null {
  const seconds = Number(dataGet(payload, 'dueDateForPaymentLink'));
  return Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000).toISOString() : null;
}

function refuseIfCompleted(state: ReservationState): void {
  if (state.status === 'COMPLETED') {
    throw new SandboxRefusalError(
      'reservationStatusAlreadyCompleted',
      'The reservation is already completed.',
    );
  }
}

function refuseIfCancelled(state: ReservationState): void {
  if (state.status === 'EXPIRED') {
    throw new SandboxRefusalError('reservationExpired', 'The payment link has expired.');
  }
  if (state.status === 'CANCELLED') {
    throw new SandboxRefusalError(
      'reservationStatusAlreadyCancelled',
      'The reservation is already cancelled.',
    );
  }
}

function change(
  state: ReservationState,
  status: StatusChange['status'],
  amount: number,
  at: Date,
): StatusChange {
  return {
    reservationUuid: state.reservationUuid,
    status,
    amount,
    // Only paid reservations change status this way, so the method is known.
    paymentMethod: state.paymentMethod ?? state.summary.preselectedMethod,
    at,
    callbackUrl: state.summary.callbackUrl,
    orderCreatedAt: state.createdAt,
    orderTotal: state.summary.grandTotal,
  };
}

function takeFromLines(
  state: ReservationState,
  cents: number,
  lines: readonly CaptureLine[] | undefined,
): void {
  const add = (id: number, part: number) =>
    state.lineCapturedCents.set(id, (state.lineCapturedCents.get(id) ?? 0) + part);
  if (lines) {
    for (const line of lines) add(line.id, toCents(line.amount));
    return;
  }
  let left = cents;
  for (const product of state.products) {
    const room = toCents(product.amount) - (state.lineCapturedCents.get(product.id) ?? 0);
    const part = Math.max(0, Math.min(left, room));
    if (part > 0) add(product.id, part);
    left -= part;
  }
}

function toCents(amount: number): number {
  return Math.round(amount * 100);
}

function positiveCents(amount: number, code: string): number {
  const cents = toCents(amount);
  if (!Number.isFinite(amount) || cents <= 0) {
    throw new SandboxRefusalError(code, `The amount must be a positive number, got ${amount}.`);
  }
  return cents;
}

function snapshot(state: ReservationState): SandboxReservation {
  const { summary } = state;
  return {
    reservationUuid: state.reservationUuid,
    customerUuid: state.customerUuid,
    status: state.status,
    isPaid: PAID_STATUSES.includes(state.status),
    preselectedMethod: summary.preselectedMethod,
    paymentMethod: state.paymentMethod,
    products: state.products.map((product) => ({
      ...product,
      capturedAmount: (state.lineCapturedCents.get(product.id) ?? 0) / 100,
    })),
    subTotal: summary.subTotal,
    totalTax: summary.totalTax,
    grandTotal: summary.grandTotal,
    reservedAt: state.reservedAt?.toISOString(),
    reservedAmount: state.reservedCents / 100,
    capturedAmount: state.capturedCents / 100,
    chargedAmount: state.chargedCents / 100,
    refundedFromCaptured: state.refundedFromCapturedCents / 100,
    refundedFromCharge: state.refundedFromChargeCents / 100,
    movements: state.movements.map((movement) => ({
      kind: movement.kind,
      reference: movement.reference,
      amount: movement.cents / 100,
      at: movement.at.toISOString(),
      refundedAt: movement.refundedAt?.toISOString(),
    })),
    callbackUrl: summary.callbackUrl,
    successUrl: summary.successUrl,
    failureUrl: summary.failureUrl,
    chargeValidity: summary.chargeValidity,
    referenceNo: summary.referenceNo,
    customerReference: summary.customerReference,
    paymentLinkDueAt: paymentLinkDueAt(state.payload),
    payload: structuredClone(state.payload),
    history: [...state.history],
    createdAt: state.createdAt.toISOString(),
  };
}
