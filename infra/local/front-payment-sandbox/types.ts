import type { ChecksumFormula } from '#shared/front-payment/callback-checksum';
import type { RefundRequest } from './reservation-store.ts';

export interface FrontPaymentSandboxOptions {
  /** 0 or absent: a free port chosen by the OS. */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** The bearer token the API accepts. */
  readonly token: string;
  /** Front Payment's "secret key": signs every callback. */
  readonly callbackSecret: string;
  /** @default 'all-parameters' */
  readonly checksumFormula?: ChecksumFormula;
  readonly quirks?: Partial<SandboxQuirks>;
  /** Allowed `products.*.tax` rates ("unless you have other configuration"). @default [0, 12, 15, 25] */
  readonly allowedTaxRates?: readonly number[];
  /** Larger request bodies get 413. @default 1 MiB */
  readonly bodyLimitBytes?: number;
  /** A callback GET that takes longer is abandoned and recorded with an error. @default 5000 */
  readonly callbackTimeoutMs?: number;
}

export interface SandboxQuirks {
  /**
   * Callbacks as our first integration assumed them: `createdAt` the time of the change and
   * `amount` the change's own amount. Off (the default), they are as Front Payment documents
   * them: `createdAt` the order's creation time and `amount` the order's total, the same on
   * every callback of a reservation.
   */
  readonly perChangeAmounts: boolean;
  /** Send `status=RESEVRED` (the docs' typo) instead of RESERVED. */
  readonly misspellReserved: boolean;
  /** Send every callback twice, identical, as a retrying sender would. */
  readonly duplicateCallbacks: boolean;
  /**
   * Hold the callbacks of each reservation instead of sending them; `flushCallbacks(uuid)` (or
   * `POST /_sandbox/reservations/{uuid}/flush-callbacks`) sends the held ones newest first.
   */
  readonly reverseCallbackOrder: boolean;
  /**
   * Record every change but call nobody: the callbacks are held as with `reverseCallbackOrder`
   * (`flushCallbacks` sends them late), so only a reconciliation finds the changes.
   */
  readonly dropCallbacks: boolean;
  /** `RESERVED` or `Reserved`, in callbacks and in the details answer. */
  readonly statusCase: 'upper' | 'capitalized';
  /**
   * Shape of the 417 validation answer: `keyed` (Laravel's field -> messages object, the default)
   * or `list` (a bare list of messages with status_message "Client Error", as in a recorded demo
   * answer of the public Ruby client).
   */
  readonly validationErrorStyle: 'keyed' | 'list';
}

/** Statuses the fault injector can answer with; 502 and 504 come as a proxy's HTML page. */
export type SandboxFaultStatus =
  | 400
  | 401
  | 403
  | 404
  | 408
  | 417
  | 422
  | 429
  | 500
  | 502
  | 503
  | 504
  | 510;

export type SandboxFault =
  | {
      readonly kind: 'status';
      readonly statusCode: SandboxFaultStatus;
      /**
       * Serve the request first (a create stores the reservation), then answer with the status:
       * a failure after the work was done, the case that makes 5xx answers ambiguous.
       */
      readonly afterCommit?: boolean;
      readonly times?: number;
    }
  | { readonly kind: 'delay'; readonly delayMs: number; readonly times?: number }
  | { readonly kind: 'drop-connection'; readonly times?: number }
  /** Serve the request, then send its status with a body cut off mid-JSON. */
  | { readonly kind: 'broken-answer'; readonly times?: number };

export interface SandboxCall {
  readonly method: string;
  /** Path and query string as received. */
  readonly path: string;
  readonly authorization: string | undefined;
  /** Parsed JSON, the raw text when it is not JSON, undefined when empty. */
  readonly body: unknown;
  readonly receivedAt: string;
}

export interface SandboxCallback {
  readonly url: string;
  /** The receiver's HTTP status; undefined when no answer came. */
  readonly statusCode: number | undefined;
  readonly error?: string;
  readonly sentAt: string;
  readonly reservationUuid: string;
  /** The `status` value as sent (quirks applied). */
  readonly status: string;
}

/** A reservation's state: SENT until paid; DECLINED after a declined card (paying again works). */
export type SandboxReservationStatus =
  | 'SENT'
  | 'DECLINED'
  | 'RESERVED'
  | 'CAPTURED'
  | 'CHARGED'
  | 'REFUNDED'
  | 'COMPLETED'
  | 'CANCELLED'
  /** The payment link passed its `dueDateForPaymentLink` unpaid. */
  | 'EXPIRED';

export type CardMethod = 'visa' | 'mastercard';

export interface SandboxProduct {
  /** Front Payment's id of the product line, used by capture (`products.*.id`). */
  readonly id: number;
  readonly name: string;
  readonly productId: string | null;
  readonly rate: number;
  readonly tax: number;
  readonly amount: number;
  /** What captures took from this line so far, as the details' `capturedAmount` shows it. */
  readonly capturedAmount?: number;
}

export interface SandboxHistoryEntry {
  readonly status: SandboxReservationStatus;
  /** The amount of this change (a partial capture's amount, a charge's amount). */
  readonly amount: number;
  readonly at: string;
  /** CAP… or CHA… for captures and charges. */
  readonly reference?: string;
  readonly paymentMethod?: CardMethod;
  readonly note?: string;
}

export interface SandboxMovement {
  readonly kind: 'captured' | 'charged';
  readonly reference: string;
  readonly amount: number;
  readonly at: string;
  /** When (part of) it was refunded last; undefined when never. */
  readonly refundedAt: string | undefined;
}

export interface SandboxReservation {
  readonly reservationUuid: string;
  readonly customerUuid: string;
  readonly status: SandboxReservationStatus;
  readonly isPaid: boolean;
  /** `submitPayment.via` of the create payload. */
  readonly preselectedMethod: CardMethod;
  /** The card used on the checkout page, once paid. */
  readonly paymentMethod: CardMethod | undefined;
  readonly products: readonly SandboxProduct[];
  readonly subTotal: number;
  readonly totalTax: number;
  readonly grandTotal: number;
  readonly reservedAt: string | undefined;
  readonly reservedAmount: number;
  readonly capturedAmount: number;
  readonly chargedAmount: number;
  /** Cumulative refunds, per source, as `paymentDetails.amountRefunded` shows them. */
  readonly refundedFromCaptured: number;
  readonly refundedFromCharge: number;
  /** Every capture and charge in order, with its CAP…/CHA… id. */
  readonly movements: readonly SandboxMovement[];
  readonly callbackUrl: string | undefined;
  readonly successUrl: string | undefined;
  readonly failureUrl: string | undefined;
  /** `chargeValidity` of the create payload (minutes, digits). */
  readonly chargeValidity: string | null;
  /** `referenceNo` of the create payload: the merchant's reference shown on the checkout page. */
  readonly referenceNo: string | null;
  /** `dueDateForPaymentLink` of the create payload, as an ISO time; null when unreadable. */
  readonly paymentLinkDueAt: string | null;
  /** `customerReference` of the create payload; the details answer shows it too. */
  readonly customerReference: string | null;
  /** The create payload exactly as received. */
  readonly payload: unknown;
  readonly history: readonly SandboxHistoryEntry[];
  readonly createdAt: string;
}

export interface RunningFrontPaymentSandbox {
  /** e.g. `http://127.0.0.1:41234` */
  readonly url: string;
  /** Every /api/v1/connect/* request, in order. */
  readonly calls: readonly SandboxCall[];
  /** Every callback GET sent, in order of completion. */
  readonly callbacks: readonly SandboxCallback[];
  reservations(): readonly SandboxReservation[];
  /** Applies to the next `times` (default 1) API requests; several faults apply one after another. */
  injectFault(fault: SandboxFault): void;
  clearFaults(): void;
  setQuirks(quirks: Partial<SandboxQuirks>): void;
  /** Same as paying on the checkout page; resolves once the callback request completed. */
  pay(reservationUuid: string, method: CardMethod): Promise<void>;
  /** Same as declining on the checkout page (no callback). */
  decline(reservationUuid: string): Promise<void>;
  /** Same as the capture API; resolves once the callback request completed. */
  capture(reservationUuid: string, amount: number): Promise<void>;
  /** Same as the charge API; resolves once the callback request completed. */
  charge(reservationUuid: string, amount: number): Promise<void>;
  /**
   * Same as the refund API: no callback (Front Payment documents none for refunds). `at` places
   * it in the history (default now), e.g. two refunds in one minute, as a portal user makes them.
   */
  refund(reservationUuid: string, refund: RefundRequest, at?: Date): Promise<void>;
  /** Sends the callbacks held by `reverseCallbackOrder`, newest first; resolves when all completed. */
  flushCallbacks(reservationUuid: string): Promise<readonly SandboxCallback[]>;
  /** Resolves once every callback in flight (e.g. after an API capture) completed. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}
