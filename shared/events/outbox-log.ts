import type { StructuredLog } from '../structured-log.ts';
import type { StatusChangedDetail } from './status-changed-event.ts';

/**
 * The log line an operator is alarmed on (`infra/operations.ts` counts it with a metric filter):
 * a status change is recorded but its event is not on EventBridge yet. It stays in the outbox
 * and the sweeper tries again every minute.
 */
export const STATUS_EVENT_NOT_PUBLISHED = 'status event not yet published';

/** The field of that line with the event's age, so an alarm can tell a blip from a stuck outbox. */
export const OUTBOX_AGE_FIELD = 'ageSeconds';

export function logStatusEventNotPublished(
  log: StructuredLog,
  detail: Pick<StatusChangedDetail, 'eventId' | 'receivedAt'>,
  reason: { readonly errorCode?: string; readonly errorName?: string },
  now: Date,
): void {
  const ageSeconds = Math.max(
    0,
    Math.round((now.getTime() - Date.parse(detail.receivedAt)) / 1000),
  );
  log.warn(STATUS_EVENT_NOT_PUBLISHED, {
    eventId: detail.eventId,
    [OUTBOX_AGE_FIELD]: ageSeconds,
    ...reason,
  });
}

/** One `STATUS_EVENT_NOT_PUBLISHED` line per failed publication of `events`. */
export function logFailedPublications(
  log: StructuredLog,
  events: readonly { readonly detail: Pick<StatusChangedDetail, 'eventId' | 'receivedAt'> }[],
  failures: readonly { readonly eventId: string; readonly errorCode: string }[],
  now: Date,
): void {
  for (const failure of failures) {
    const event = events.find((candidate) => candidate.detail.eventId === failure.eventId);
    if (event) logStatusEventNotPublished(log, event.detail, { errorCode: failure.errorCode }, now);
  }
}

/**
 * The sweeper's summary line, written on every run that found pending events; the outbox-age
 * alarm reads its `oldestPendingAgeSeconds`, so a stuck outbox shows even when no publish failed.
 */
export const OUTBOX_SWEPT = 'outbox swept';
export const OLDEST_PENDING_AGE_FIELD = 'oldestPendingAgeSeconds';
