import type { EventPublisher } from '../events/event-publisher.ts';
import { logStatusEventNotPublished } from '../events/outbox-log.ts';
import type { OutboxRepository, PendingEvent } from '../events/outbox-repository.ts';
import { publishOutbox } from '../events/publish-outbox.ts';
import type { StructuredLog } from '../events/structured-log.ts';
import { PENDING_OUTBOX } from '../reservations/table-design.ts';
import type { RecordOutcome } from './status-change-repository.ts';

export interface PublishRecordedDependencies {
  readonly publisher: EventPublisher;
  readonly outbox: Pick<OutboxRepository, 'claim' | 'markPublished' | 'release'>;
  readonly log: StructuredLog;
  readonly now?: () => Date;
}

/**
 * Publishes a recorded change's event, giving up at `deadline` (epoch ms) so the callback still
 * answers in time; what is left stays in the outbox for the sweeper. A new change: its recorder
 * holds the publish lease already. A duplicate whose event is still pending (EventBridge failed
 * last time): take the lease first, so concurrent deliveries of one change publish once.
 * Failures are logged, never thrown: the change is recorded, which is what the answer to Front
 * Payment is about.
 */
export async function publishRecorded(
  outcome: RecordOutcome,
  deadline: number,
  dependencies: PublishRecordedDependencies,
): Promise<void> {
  const { record } = outcome;
  if (record.outbox !== PENDING_OUTBOX) return;
  const clock = dependencies.now ?? (() => new Date());
  const key = { pk: record.pk, sk: record.sk };
  try {
    const pending: PendingEvent | undefined =
      outcome.kind === 'recorded'
        ? { key, leaseOwner: outcome.leaseOwner, detail: record.detail }
        : await dependencies.outbox.claim(key);
    // Another publisher holds it, or it went out meanwhile.
    if (!pending) return;
    const result = await publishOutbox(dependencies, [pending], { deadline });
    for (const failure of result.failed) {
      logStatusEventNotPublished(
        dependencies.log,
        record.detail,
        { errorCode: failure.errorCode },
        clock(),
      );
    }
    for (const eventId of result.unmarked) {
      dependencies.log.warn('Status event published but still marked pending; it may repeat', {
        eventId,
      });
    }
  } catch (error) {
    const errorName = error instanceof Error ? error.name : 'UnknownError';
    logStatusEventNotPublished(dependencies.log, record.detail, { errorName }, clock());
  }
}
