import * as v from 'valibot';
import { COMMAND_STATES } from './command-record.ts';
import { COMMANDS } from './command-request.ts';

/** Why a command was refused, or why its outcome is unknown (our words, no request data). */
export const CommandFailureSchema = v.strictObject({
  reason: v.string(),
  message: v.string(),
  retryable: v.boolean(),
});

/**
 * The command as the merchant sees it (the 202 of a command, and each entry of a reservation's
 * `commands`): no key material, no caller digest. The OpenAPI document is generated from it.
 */
export const CommandAnswerSchema = v.strictObject({
  commandId: v.string(),
  reservationId: v.string(),
  command: v.picklist(COMMANDS),
  state: v.picklist(Object.values(COMMAND_STATES)),
  requestedAt: v.pipe(v.string(), v.isoTimestamp()),
  /** The amount the command moves (0 for cancel, complete and resend). */
  amount: v.optional(v.number()),
  /** Front Payment's CAP…/CHA… id (for a refund: the payment it refunds). */
  reference: v.optional(v.string()),
  failure: v.optional(CommandFailureSchema),
});

export type CommandAnswer = v.InferOutput<typeof CommandAnswerSchema>;
