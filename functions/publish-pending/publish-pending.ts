import type { EventPublisher, PublishFailure } from '#shared/events/event-publisher';
import { logStatusEventNotPublished } from '#shared/events/outbox-log';
import type { OutboxRepository, PendingEvent } from '#shared/events/outbox-repository';
import { publishOutbox } from '#shared/events/publish-outbox';
import type { StructuredLog } from '#shared/events/structured-log';

export interface PublishPendingDependencies {
  readonly outbox: OutboxRepository;
  readonly publisher: EventPublisher;
  readonly log: StructuredLog;
  readonly now?: () => Date;
}

export interface PublishPendingOptions {
  /**
   * Only events recorded at least this long ago: younger ones are normally being published by
   * the callback that recorded them (whose lease also keeps us off). @default 10000
   */
  readonly minAgeMs?: number;
  /** At most this many events per run, so one run stays well inside the Lambda timeout. @default 200 */
  readonly limit?: number;
}

export interface PublishPendingResult {
  /** Pending events the index listed. */
  readonly found: number;
  /** Those whose publish lease this run took (others were published or leased meanwhile). */
  readonly claimed: number;
  readonly published: readonly string[];
  readonly failed: readonly PublishFailure[];
  readonly unmarked: readonly string[];
}

/** Claims are conditional writes; a few at a time keeps a backlog from bursting DynamoDB. */
const CLAIM_CONCURRENCY = 10;

/**
 * The sweeper: publishes status events whose outbox marker is still set because EventBridge
 * failed when the change was recorded (or the recording Lambda stopped before publishing).
 */
export async function publishPendingEvents(
  dependencies: PublishPendingDependencies,
  options: PublishPendingOptions = {},
): Promise<PublishPendingResult> {
  const now = (dependencies.now ?? (() => new Date()))();
  const receivedBefore = new Date(now.getTime() - (options.minAgeMs ?? 10_000)).toISOString();
  const keys = await dependencies.outbox.listPending({
    receivedBefore,
    limit: options.limit ?? 200,
  });

  const claimed: PendingEvent[] = [];
  for (let start = 0; start < keys.length; start += CLAIM_CONCURRENCY) {
    const batch = keys.slice(start, start + CLAIM_CONCURRENCY);
    const results = await Promise.all(batch.map((key) => dependencies.outbox.claim(key, now)));
    for (const event of results) if (event) claimed.push(event);
  }

  const result = await publishOutbox(
    { publisher: dependencies.publisher, outbox: dependencies.outbox, now: () => now },
    claimed,
  );
  for (const failure of result.failed) {
    const event = claimed.find((pending) => pending.detail.eventId === failure.eventId);
    if (event) {
      logStatusEventNotPublished(
        dependencies.log,
        event.detail,
        { errorCode: failure.errorCode },
        now,
      );
    }
  }
  if (keys.length > 0) {
    dependencies.log.info('Published pending status events', {
      found: keys.length,
      claimed: claimed.length,
      published: result.published.length,
      failed: result.failed.length,
      unmarked: result.unmarked.length,
    });
  }
  return { found: keys.length, claimed: claimed.length, ...result };
}
