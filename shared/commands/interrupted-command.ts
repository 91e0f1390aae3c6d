import type { StructuredLog } from '../structured-log.ts';
import { COMMAND_OUTCOME_UNKNOWN } from './command-log.ts';
import type { CommandRecord } from './command-record.ts';
import type { CommandRepository } from './command-repository.ts';

/**
 * A SENDING command whose Lambda stopped after it may have sent (its deadline passed, `sentAt`
 * set): OUTCOME_UNKNOWN with the amount it kept, logged for the alarm; then settled like any
 * other unknown outcome. False when someone else ended it first.
 */
export async function markInterrupted(
  record: CommandRecord,
  dependencies: {
    readonly commands: Pick<CommandRepository, 'markUnknown'>;
    readonly log: StructuredLog;
  },
  at: Date,
): Promise<boolean> {
  const marked = await dependencies.commands.markUnknown(
    record,
    {
      reason: 'interrupted',
      message: 'The attempt stopped after sending, before it recorded what Front Payment answered',
      retryable: false,
    },
    at,
  );
  if (marked) {
    dependencies.log.warn(COMMAND_OUTCOME_UNKNOWN, {
      reservationId: record.reservationId,
      commandId: record.commandId,
      reason: 'interrupted',
    });
  }
  return marked;
}
