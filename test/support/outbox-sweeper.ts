import { createEventPublisher, type PutEventsSender } from '#shared/events/event-publisher';
import { createOutboxRepository } from '#shared/events/outbox-repository';
import { DEFAULT_EVENT_SOURCE } from '#shared/events/status-changed-event';
import type { StructuredLog } from '#shared/structured-log';
import type { PublishPendingDependencies } from '../../functions/publish-pending/publish-pending.ts';
import type { LocalTables } from './local-tables.ts';

export const silentLog: StructuredLog = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};

/** One structured log call, as a test reads it back. */
export interface LogEntry {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly attributes: Record<string, unknown>;
}

/** A log that keeps what it is told, to check what the code reports. */
export function collectingLog(): StructuredLog & { readonly entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const keep =
    (level: LogEntry['level']) => (message: string, attributes: Record<string, unknown>) => {
      entries.push({ level, message, attributes });
    };
  return {
    entries,
    debug: keep('debug'),
    info: keep('info'),
    warn: keep('warn'),
    error: keep('error'),
  };
}

/**
 * What `publishPendingEvents` needs, on a test's table and local EventBridge, with one clock for
 * the sweep and its claims. The publisher's backoff is a few ms, so tests that make every try
 * fail stay quick.
 */
export function sweeperDependencies(
  tables: LocalTables,
  eventBridge: PutEventsSender,
  options: {
    readonly now: () => Date;
    readonly log?: StructuredLog;
    readonly remainingTimeMs?: () => number;
  },
): PublishPendingDependencies {
  return {
    outbox: createOutboxRepository({
      documents: tables.documents,
      tableName: tables.names.reservations,
      now: options.now,
    }),
    publisher: createEventPublisher({
      client: eventBridge,
      eventBusName: 'reservations-bus',
      source: DEFAULT_EVENT_SOURCE,
      baseDelayMs: 5,
    }),
    log: options.log ?? silentLog,
    now: options.now,
    ...(options.remainingTimeMs ? { remainingTimeMs: options.remainingTimeMs } : {}),
  };
}
