import { createEventPublisher, type PutEventsSender } from '#shared/events/event-publisher';
import { createOutboxRepository } from '#shared/events/outbox-repository';
import { DEFAULT_EVENT_SOURCE } from '#shared/events/status-changed-event';
import type { StructuredLog } from '#shared/events/structured-log';
import type { PublishPendingDependencies } from '../../functions/publish-pending/publish-pending.ts';
import type { LocalTables } from './local-tables.ts';

const silentLog: StructuredLog = { info: () => {}, warn: () => {}, error: () => {} };

/**
 * What `publishPendingEvents` needs, on a test's table and local EventBridge. The publisher's
 * backoff is a few ms, so tests that make every try fail stay quick.
 */
export function sweeperDependencies(
  tables: LocalTables,
  eventBridge: PutEventsSender,
  options: { readonly now: () => Date; readonly log?: StructuredLog },
): PublishPendingDependencies {
  return {
    outbox: createOutboxRepository({
      documents: tables.documents,
      tableName: tables.names.reservations,
    }),
    publisher: createEventPublisher({
      client: eventBridge,
      eventBusName: 'reservations-bus',
      source: DEFAULT_EVENT_SOURCE,
      baseDelayMs: 5,
    }),
    log: options.log ?? silentLog,
    now: options.now,
  };
}
