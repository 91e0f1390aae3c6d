import { ReservationStateConflictError } from '../errors.ts';
import type { ReservationDetails } from '../front-payment/reservation-details.ts';
import { sumAmounts, toCents } from '../money.ts';
import type { CommandLine, CommandRequest } from './command-request.ts';
import {
  captureRoom,
  checkLines,
  type ProductAmount,
  refundRoom,
  spreadOver,
} from './product-lines.ts';

/** What is sent to Front Payment for a command that the reservation's state allows. */
export interface PlannedCommand {
  readonly body: object;
  /** The amount the command moves (0 for cancel, complete, resend). */
  readonly amount: number;
  /** For a refund: the CAP…/CHA… it refunds. */
  readonly reference?: string;
}

/** Statuses after which Front Payment accepts nothing more (but a refund after COMPLETED). */
const CLOSED = new Set(['CANCELLED', 'CANCELED', 'COMPLETED', 'EXPIRED']);

/**
 * Checks the command against Front Payment's current details (read just before, so the rule sees
 * the truth, not our possibly late copy) and builds Front Payment's request. A forbidden command
 * throws `ReservationStateConflictError` naming the rule; nothing is sent then.
 */
export function planCommand(request: CommandRequest, details: ReservationDetails): PlannedCommand {
  const status = details.status.trim().toUpperCase();
  // Front Payment documents no rule against refunding a completed reservation, and hotels
  // refund after the guest has left: only the money left decides (`refund-exceeds-paid`).
  const refundAfterCompletion = request.command === 'refund' && status === 'COMPLETED';
  if (CLOSED.has(status) && !refundAfterCompletion) {
    refuse(
      'reservation-closed',
      `The reservation is ${status}: nothing can be done with it any more`,
    );
  }
  const paid = details.reservedAmount > 0 || details.reservedAt !== null;
  switch (request.command) {
    case 'capture': {
      if (!paid) refuse('not-reserved', 'Only a reserved (paid) reservation can be captured');
      const left = cents(details.reservedAmount) - cents(details.capturedAmount);
      const lines = request.body.lines ? linesOf(request.body.lines, details) : undefined;
      const amount = lines ? sum(lines) : (request.body.amount ?? left / 100);
      if (left <= 0) refuse('nothing-left-to-capture', 'The reserved amount is captured already');
      if (cents(amount) > left) {
        refuse(
          'capture-exceeds-remaining',
          `A capture of ${amount} is more than the ${left / 100} left to capture`,
        );
      }
      const room = captureRoom(details);
      return {
        amount,
        body: {
          products: indexed(
            lines ? checkLines(lines, room, 'capture') : spreadOver(amount, room, 'capture'),
          ),
          grandTotal: amount,
          ...(request.body.note ? { additionalText: request.body.note } : {}),
        },
      };
    }
    case 'charge':
      if (!paid) refuse('not-reserved', 'Only a reserved (paid) reservation can be charged');
      return {
        amount: request.body.grandTotal,
        body: {
          products: indexed(
            request.body.products.map((product) => ({
              name: product.name,
              ...(product.productId ? { productId: product.productId } : {}),
              rate: product.rate,
              tax: product.tax,
              amount: product.amount,
            })),
          ),
          grandTotal: request.body.grandTotal,
        },
      };
    case 'cancel':
      if (details.capturedAmount > 0 || details.chargedAmount > 0) {
        refuse(
          'cancel-after-capture',
          'A captured or charged reservation cannot be cancelled: refund and complete it instead',
        );
      }
      return { amount: 0, body: { note: request.body.note } };
    case 'complete':
      if (!paid) refuse('not-reserved', 'Only a reserved (paid) reservation can be completed');
      return { amount: 0, body: { note: request.body.note } };
    case 'resend':
      if (paid)
        refuse('already-paid', 'The reservation is paid: there is no payment link to resend');
      return { amount: 0, body: { ...request.body } };
    case 'refund':
      return planRefund(request.body, details);
  }
}

function planRefund(
  body: Extract<CommandRequest, { command: 'refund' }>['body'],
  details: ReservationDetails,
): PlannedCommand {
  const lines = body.lines ? linesOf(body.lines, details) : undefined;
  const amount = lines ? sum(lines) : (body.amount ?? 0);
  const refundable = {
    captured: cents(details.capturedAmount) - cents(details.refundedFromCaptured),
    charged: cents(details.chargedAmount) - cents(details.refundedFromCharge),
  };
  const fromReference = body.reference ? sourceOfReference(body.reference) : undefined;
  // Without a source: the captured money first, the charged money when that is not enough.
  const source =
    body.source ??
    fromReference ??
    (refundable.captured >= cents(amount) || refundable.charged === 0 ? 'captured' : 'charged');
  if (fromReference && fromReference !== source) {
    refuse('reference-of-other-source', `Reference ${body.reference} is not a ${source} payment`);
  }
  if (cents(amount) > refundable[source]) {
    refuse(
      'refund-exceeds-paid',
      `A refund of ${amount} is more than the ${refundable[source] / 100} ${source} and not yet refunded`,
    );
  }
  const payments = source === 'captured' ? details.captures : details.charges;
  // Without a reference: the newest payment of the source that is large enough on its own, else
  // the newest one (Front Payment counts refunds per source, so the total check above is the rule).
  const reference =
    body.reference ??
    [...payments]
      .reverse()
      .find((payment) => payment.reference && cents(payment.amount) >= cents(amount))?.reference ??
    [...payments].reverse().find((payment) => payment.reference)?.reference;
  if (!reference) {
    refuse('no-payment-to-refund', `Front Payment shows no ${source} payment with a reference`);
  }
  if (!payments.some((payment) => payment.reference === reference)) {
    refuse('unknown-reference', `Front Payment shows no ${source} payment ${reference}`);
  }
  return {
    amount,
    reference,
    body: {
      type: 'reservation',
      grandTotal: amount,
      products: refundLines(source, lines, amount, details),
      source,
      reference,
    },
  };
}

function sourceOfReference(reference: string): 'captured' | 'charged' {
  return reference.startsWith('CHA') ? 'charged' : 'captured';
}

/** The request's lines as Front Payment's product line ids; an unknown line is a 409. */
function linesOf(lines: readonly CommandLine[], details: ReservationDetails): ProductAmount[] {
  return lines.map((line) => {
    const product =
      line.index === undefined
        ? details.products.find((candidate) => String(candidate.id) === line.productId)
        : details.products[line.index];
    if (!product) {
      refuse(
        'unknown-product-line',
        `The reservation has no product line ${line.productId ?? line.index}`,
      );
    }
    return { id: product.id, amount: line.amount };
  });
}

/**
 * The lines a refund takes money back from. Captured money: from the lines that captured it
 * (`product-lines.ts`). Charged money was charged with new product lines that the details do not
 * list per line: spread over the reservation's lines as before, the total rule decides.
 */
function refundLines(
  source: 'captured' | 'charged',
  lines: ProductAmount[] | undefined,
  amount: number,
  details: ReservationDetails,
): ProductAmount[] {
  if (source === 'charged') return lines ?? spread(amount, details);
  const room = refundRoom(details);
  return lines ? checkLines(lines, room, 'refund') : spreadOver(amount, room, 'refund');
}

/** An amount over the product lines in order, each up to its own amount, the rest on the last. */
function spread(amount: number, details: ReservationDetails): ProductAmount[] {
  let left = cents(amount);
  const lines: ProductAmount[] = [];
  details.products.forEach((product, index) => {
    const isLast = index === details.products.length - 1;
    const part = isLast ? left : Math.min(left, cents(product.amount));
    if (part > 0) lines.push({ id: product.id, amount: part / 100 });
    left -= part;
  });
  return lines;
}

/** Front Payment's capture and charge take products keyed "0", "1", …. */
function indexed<T>(items: readonly T[]): Record<string, T> {
  return Object.fromEntries(items.map((item, index) => [String(index), item]));
}

function sum(lines: readonly ProductAmount[]): number {
  return sumAmounts(lines.map((line) => line.amount));
}

const cents = toCents;

function refuse(rule: string, message: string): never {
  throw new ReservationStateConflictError(rule, message);
}
