import type { EventPublisher, PublishFailure } from '#shared/events/event-publisher';
import {
  logFailedPublications,
  OLDEST_PENDING_AGE_FIELD,
  OUTBOX_SWEPT,
} from '#shared/events/outbox-log';
import type {
  OutboxCursor,
  OutboxRepository,
  PendingEvent,
  PendingKey,
} from '#shared/events/outbox-repository';
import { publishOutbox } from '#shared/events/publish-outbox';
import type { StructuredLog } from '#shared/structured-log';

export interface PublishPendingDependencies {
  readonly outbox: OutboxRepository;
  readonly publisher: EventPublisher;
  readonly log: StructuredLog;
  readonly now?: () => Date;
  /** The Lambda's `context.getRemainingTimeInMillis`. @default never runs out */
  readonly remainingTimeMs?: () => number;
}

export interface PublishPendingOptions {
  /**
   * Only events recorded at least this long ago: younger ones are normally being published by
   * the callback that recorded them (whose lease also keeps us off). @default 10000
   */
  readonly minAgeMs?: number;
  /** Events listed, claimed and published in one round; rounds repeat while time is left. @default 200 */
  readonly pageSize?: number;
  /**
   * No new round starts with less time than this left, so the last one ends well inside the
   * Lambda timeout. @default 10000
   */
  readonly stopWithRemainingMs?: number;
}

export interface PublishPendingResult {
  /** Pending events the index listed. */
  readonly found: number;
  /** Those whose publish lease this run took (others were published or leased meanwhile). */
  readonly claimed: number;
  readonly published: readonly string[];
  readonly failed: readonly PublishFailure[];
  readonly unmarked: readonly string[];
  /** Whole seconds since the oldest pending event found was received; absent when none was. */
  readonly oldestPendingAgeSeconds?: number;
}

/** Claims are conditional writes; a few at a time keeps a backlog from bursting DynamoDB. */
const CLAIM_CONCURRENCY = 10;

/** No publish request starts this close to the Lambda's timeout: time to release leases and log. */
const PUBLISH_MARGIN_MS = 5_000;
/** A request already sent may run until this close to the timeout (it is never abandoned sooner). */
const REQUEST_END_MARGIN_MS = 2_000;

/**
 * The sweeper: publishes status events whose outbox marker is still set because EventBridge
 * failed when the change was recorded (or the recording Lambda stopped before publishing). Works
 * through the backlog a page at a time, oldest first, while the Lambda has time left; writes one
 * `OUTBOX_SWEPT` line per run that found anything, which the outbox-age alarm reads.
 */
export async function publishPendingEvents(
  dependencies: PublishPendingDependencies,
  options: PublishPendingOptions = {},
): Promise<PublishPendingResult> {
  const clock = dependencies.now ?? (() => new Date());
  const remainingTimeMs = dependencies.remainingTimeMs ?? (() => Number.POSITIVE_INFINITY);
  const pageSize = options.pageSize ?? 200;
  const stopWithRemainingMs = options.stopWithRemainingMs ?? 10_000;
  const startedAt = clock();
  // Fixed for the run: events recorded meanwhile are the next run's, so the run has an end.
  const receivedBefore = new Date(startedAt.getTime() - (options.minAgeMs ?? 10_000)).toISOString();

  let found = 0;
  let claimed = 0;
  let oldest: PendingKey | undefined;
  const published: string[] = [];
  const failed: PublishFailure[] = [];
  const unmarked: string[] = [];
  let cursor: OutboxCursor | undefined;
  do {
    const page = await dependencies.outbox.listPending({
      receivedBefore,
      limit: pageSize,
      ...(cursor ? { cursor } : {}),
    });
    cursor = page.next;
    found += page.keys.length;
    oldest ??= page.keys[0];

    const events = await claimAll(dependencies.outbox, page.keys);
    claimed += events.length;
    const result = await publishOutbox(
      { publisher: dependencies.publisher, outbox: dependencies.outbox, now: clock },
      events,
      {
        deadline: Date.now() + remainingTimeMs() - PUBLISH_MARGIN_MS,
        endBy: Date.now() + remainingTimeMs() - REQUEST_END_MARGIN_MS,
      },
    );
    published.push(...result.published);
    failed.push(...result.failed);
    unmarked.push(...result.unmarked);
    logFailedPublications(dependencies.log, events, result.failed, clock());
  } while (cursor && remainingTimeMs() >= stopWithRemainingMs);

  if (!oldest) return { found, claimed, published, failed, unmarked };
  const oldestPendingAgeSeconds = Math.max(
    0,
    Math.floor((startedAt.getTime() - Date.parse(oldest.receivedAt)) / 1000),
  );
  dependencies.log.info(OUTBOX_SWEPT, {
    found,
    claimed,
    published: published.length,
    failed: failed.length,
    unmarked: unmarked.length,
    [OLDEST_PENDING_AGE_FIELD]: oldestPendingAgeSeconds,
  });
  return { found, claimed, published, failed, unmarked, oldestPendingAgeSeconds };
}

async function claimAll(
  outbox: Pick<OutboxRepository, 'claim'>,
  keys: readonly PendingKey[],
): Promise<PendingEvent[]> {
  const claimed: PendingEvent[] = [];
  for (let start = 0; start < keys.length; start += CLAIM_CONCURRENCY) {
    const batch = keys.slice(start, start + CLAIM_CONCURRENCY);
    const results = await Promise.all(batch.map((key) => outbox.claim(key)));
    for (const event of results) if (event) claimed.push(event);
  }
  return claimed;
}
