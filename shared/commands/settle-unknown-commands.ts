import type { ReservationDetails } from '../front-payment/reservation-details.ts';
import type { StructuredLog } from '../structured-log.ts';
import { COMMAND_STATES, type CommandRecord } from './command-record.ts';
import type { CommandRepository } from './command-repository.ts';

/**
 * Settles commands whose outcome was unknown from Front Payment's details, which were just read
 * and recorded: a cancel or complete when the details show that status; a capture or charge when
 * they show a capture (charge) of the same amount that no accepted command claims (the first such
 * one, oldest first). A refund or a resend leaves no trace of its own in the details, so it stays
 * unknown: its money effect is recorded from the details all the same.
 */
export async function settleUnknownCommands(
  reservationId: string,
  details: ReservationDetails,
  commands: Pick<CommandRepository, 'list' | 'settle'>,
  log: StructuredLog,
  at: Date,
): Promise<void> {
  const records = await commands.list(reservationId);
  const unknown = records
    .filter((record) => record.state === COMMAND_STATES.outcomeUnknown)
    .sort((left, right) => left.requestedAt.localeCompare(right.requestedAt));
  if (unknown.length === 0) return;
  const claimed = new Set(
    records
      .filter((record) => record.state === COMMAND_STATES.accepted && record.reference)
      .map((record) => record.reference),
  );
  const status = details.status.trim().toUpperCase();
  for (const record of unknown) {
    const reference = settlingReference(record, details, status, claimed);
    if (reference === null) continue;
    if (reference) claimed.add(reference);
    if (await commands.settle(record, reference, at)) {
      log.info('command of unknown outcome settled from the details', {
        reservationId,
        commandId: record.commandId,
        command: record.command,
        reference,
      });
    }
  }
}

/** The reference that settles `record` (undefined: settled without one); null: not settled. */
function settlingReference(
  record: CommandRecord,
  details: ReservationDetails,
  status: string,
  claimed: ReadonlySet<string | undefined>,
): string | undefined | null {
  switch (record.command) {
    case 'cancel':
      return status === 'CANCELLED' || status === 'CANCELED' ? undefined : null;
    case 'complete':
      return status === 'COMPLETED' ? undefined : null;
    case 'capture':
    case 'charge': {
      const payments = record.command === 'capture' ? details.captures : details.charges;
      const match = payments.find(
        (payment) =>
          payment.reference !== null &&
          !claimed.has(payment.reference) &&
          Math.round(payment.amount * 100) === Math.round((record.amount ?? -1) * 100),
      );
      return match?.reference ?? null;
    }
    default:
      return null;
  }
}
