import type { EventPublisher, PublishOptions } from '../events/event-publisher.ts';
import { logFailedPublications, logStatusEventNotPublished } from '../events/outbox-log.ts';
import type { OutboxRepository } from '../events/outbox-repository.ts';
import { publishOutbox } from '../events/publish-outbox.ts';
import type { StructuredLog } from '../structured-log.ts';
import type { RecordedChanges } from './status-change-repository.ts';

export interface PublishRecordedDependencies {
  readonly publisher: EventPublisher;
  readonly outbox: Pick<OutboxRepository, 'markPublished' | 'release'>;
  readonly log: StructuredLog;
  readonly now?: () => Date;
}

/**
 * Publishes the events of changes just recorded (their recorder holds the publish lease),
 * starting no request after `window.deadline` so the caller still ends in time; what is left
 * stays in the outbox for the sweeper. Failures are logged, never thrown: the changes are
 * recorded, which is what the answer to Front Payment is about.
 */
export async function publishRecorded(
  recorded: RecordedChanges,
  window: PublishOptions,
  dependencies: PublishRecordedDependencies,
): Promise<void> {
  if (recorded.records.length === 0) return;
  const clock = dependencies.now ?? (() => new Date());
  const events = recorded.records.map((record) => ({
    key: { pk: record.pk, sk: record.sk },
    leaseOwner: recorded.leaseOwner,
    detail: record.detail,
  }));
  try {
    const result = await publishOutbox(dependencies, events, window);
    logFailedPublications(dependencies.log, events, result.failed, clock());
    for (const eventId of result.unmarked) {
      dependencies.log.warn('Status event published but still marked pending; it may repeat', {
        eventId,
      });
    }
  } catch (error) {
    const errorName = error instanceof Error ? error.name : 'UnknownError';
    for (const event of events) {
      logStatusEventNotPublished(dependencies.log, event.detail, { errorName }, clock());
    }
  }
}
