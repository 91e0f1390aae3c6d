import { isFinalStatus } from '#shared/callbacks/payment-status';

/** The console's buttons, in the order it shows them (resend needs contact data: not offered). */
export type ConsoleCommand = 'capture' | 'charge' | 'refund' | 'complete' | 'cancel';

export interface CommandInputs {
  readonly status: string;
  readonly totals: {
    readonly reserved: number;
    readonly captured: number;
    readonly charged: number;
    readonly refunded: number;
  };
}

/**
 * The commands that can apply to a reservation, by the API's own rules (plan-command.ts) read
 * from our recorded totals: the API still decides, from Front Payment's details.
 */
export function applicableCommands({ status, totals }: CommandInputs): ConsoleCommand[] {
  const cents = (amount: number) => Math.round(amount * 100);
  const paid = cents(totals.reserved) > 0;
  const moneyLeft = cents(totals.captured) + cents(totals.charged) - cents(totals.refunded) > 0;
  // A completed reservation can still be refunded; nothing else follows a final status.
  if (isFinalStatus(status)) return status === 'COMPLETED' && moneyLeft ? ['refund'] : [];
  const commands: ConsoleCommand[] = [];
  if (paid && cents(totals.reserved) > cents(totals.captured)) commands.push('capture');
  if (paid) commands.push('charge');
  if (moneyLeft) commands.push('refund');
  if (paid) commands.push('complete');
  if (cents(totals.captured) === 0 && cents(totals.charged) === 0) commands.push('cancel');
  return commands;
}
