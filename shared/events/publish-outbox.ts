import type { EventPublisher, PublishFailure, PublishOptions } from './event-publisher.ts';
import type { OutboxRepository, PendingEvent } from './outbox-repository.ts';

export interface PublishOutboxDependencies {
  readonly publisher: EventPublisher;
  readonly outbox: Pick<OutboxRepository, 'markPublished' | 'release'>;
  readonly now?: () => Date;
}

export interface PublishOutboxResult {
  readonly published: readonly string[];
  /** Still pending: the marker stays, so a retried callback or the sweeper sends them again. */
  readonly failed: readonly PublishFailure[];
  /**
   * Published, but the marker is still there (removing it failed, or our lease ran out and another
   * publisher holds the event): they will be sent again, with the same eventId.
   */
  readonly unmarked: readonly string[];
}

/**
 * Sends events whose publish lease the caller holds, removes the outbox marker of each one
 * EventBridge accepted and gives the lease back for the others. The marker goes only after
 * EventBridge took the event, so a crash in between means a second delivery with the same
 * eventId, never a lost event.
 */
export async function publishOutbox(
  dependencies: PublishOutboxDependencies,
  events: readonly PendingEvent[],
  options: PublishOptions = {},
): Promise<PublishOutboxResult> {
  if (events.length === 0) return { published: [], failed: [], unmarked: [] };
  const now = dependencies.now ?? (() => new Date());
  const result = await dependencies.publisher.publish(
    events.map((event) => event.detail),
    options,
  );
  const published = new Set(result.published);
  const unmarked: string[] = [];
  await Promise.all(
    events.map(async (event) => {
      const wasPublished = published.has(event.detail.eventId);
      try {
        if (!wasPublished) await dependencies.outbox.release(event);
        else if (!(await dependencies.outbox.markPublished(event, now()))) {
          unmarked.push(event.detail.eventId);
        }
      } catch {
        // A lease left behind only delays the next try until it expires.
        if (wasPublished) unmarked.push(event.detail.eventId);
      }
    }),
  );
  return { published: result.published, failed: result.failed, unmarked };
}
