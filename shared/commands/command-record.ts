import type { CommandName } from './command-request.ts';

/**
 * States of a command: `SENDING` while its attempt runs (`sentAt` marks that the request to Front
 * Payment may have left); `ACCEPTED` when Front Payment answered 202 or its records show the
 * command's effect; `REFUSED` when nothing happened (our state rules or Front Payment refused it,
 * it was never sent, or Front Payment's records show nothing after the grace period): the same
 * request may be tried again; `OUTCOME_UNKNOWN` when the request may have reached Front Payment
 * without an answer (it is never sent again while so). docs/commands.md tells every way out.
 */
export const COMMAND_STATES = {
  sending: 'SENDING',
  accepted: 'ACCEPTED',
  refused: 'REFUSED',
  outcomeUnknown: 'OUTCOME_UNKNOWN',
} as const;
export type CommandState = (typeof COMMAND_STATES)[keyof typeof COMMAND_STATES];

/** The item that gives a CAP…/CHA… to one command only (written with that command's settling). */
export interface ReferenceClaim {
  readonly pk: string;
  readonly sk: string;
  readonly itemType: 'CLAIM';
  readonly reference: string;
  readonly commandId: string;
  readonly claimedAt: string;
}

/**
 * One command on a reservation, and the record of its `Idempotency-Key`: who asked (a digest of
 * the caller's identity, not the identity), when, what (the command and an HMAC of its validated
 * body keyed with the Idempotency-Key, never the body: resend's contact data must not be stored,
 * nor be recoverable by guessing), the outcome and
 * Front Payment's reference.
 */
export interface CommandRecord {
  readonly pk: string;
  readonly sk: string;
  readonly itemType: 'COMMAND';
  readonly commandId: string;
  readonly reservationId: string;
  readonly command: CommandName;
  readonly requestHash: string;
  readonly requestedBy: string;
  readonly requestedAt: string;
  readonly state: CommandState;
  readonly updatedAt: string;
  /** Epoch ms until which the sending Lambda may still run. */
  readonly inProgressUntil?: number;
  /** The attempt holding a `SENDING` record: only it may send, so a restarted one never sends twice. */
  readonly attemptId?: string;
  /** When the attempt was about to send to Front Payment: from then on the outcome may be unknown. */
  readonly sentAt?: string;
  /** When Front Payment's records settled an unknown outcome (or showed it never happened). */
  readonly settledAt?: string;
  /**
   * While unsettled (`SENDING`, `OUTCOME_UNKNOWN`) the command is in the open-reservations index,
   * due at `nextCheckAt`, so the reconciler ends it even after its reservation closed.
   */
  readonly openShard?: string;
  readonly nextCheckAt?: string;
  /** The amount the command moves (0 for cancel, complete, resend). */
  readonly amount?: number;
  /** Front Payment's CAP…/CHA… id (for a refund: the payment it refunds). */
  readonly reference?: string;
  /** Why it was refused or why its outcome is unknown (our words, no request data). */
  readonly failure?: {
    readonly reason: string;
    readonly message: string;
    readonly retryable: boolean;
  };
}
