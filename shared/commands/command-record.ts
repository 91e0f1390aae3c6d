import type { CommandName } from './command-request.ts';

/**
 * States of a command: `SENDING` while its request to Front Payment runs; `ACCEPTED` when Front
 * Payment answered 202; `REFUSED` when our state rules or Front Payment refused it before acting
 * (nothing happened: the same request may be tried again); `OUTCOME_UNKNOWN` when the request may
 * have reached Front Payment without an answer (it is never sent again).
 */
export const COMMAND_STATES = {
  sending: 'SENDING',
  accepted: 'ACCEPTED',
  refused: 'REFUSED',
  outcomeUnknown: 'OUTCOME_UNKNOWN',
} as const;
export type CommandState = (typeof COMMAND_STATES)[keyof typeof COMMAND_STATES];

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
