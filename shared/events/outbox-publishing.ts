import { documentClient } from '../aws/dynamodb.ts';
import { EVENT_BRIDGE_REQUEST_HANDLER, eventBridgeClient } from '../aws/eventbridge.ts';
import { createEventPublisher, type EventPublisher } from './event-publisher.ts';
import { createOutboxRepository, type OutboxRepository } from './outbox-repository.ts';

/** The part of a Lambda's configuration that says where status events are kept and sent. */
export interface OutboxPublishingConfig {
  readonly reservationsTableName: string;
  readonly eventBusName: string;
  readonly eventSource: string;
}

/** A publisher and the outbox it clears; both Lambdas that send status events need the pair. */
export interface OutboxPublishing {
  readonly publisher: EventPublisher;
  readonly outbox: OutboxRepository;
}

export interface OutboxPublishingOptions {
  /** Publisher tries per event (each is up to the client's own `maxAttempts`). @default 4 */
  readonly publishAttempts?: number;
}

/** Builds both on the container's shared AWS clients; call it once, at cold start. */
export function createOutboxPublishing(
  config: OutboxPublishingConfig,
  options: OutboxPublishingOptions = {},
): OutboxPublishing {
  return {
    publisher: createEventPublisher({
      client: eventBridgeClient,
      eventBusName: config.eventBusName,
      source: config.eventSource,
      requestTimeoutMs: EVENT_BRIDGE_REQUEST_HANDLER.requestTimeout,
      ...(options.publishAttempts === undefined ? {} : { maxAttempts: options.publishAttempts }),
    }),
    outbox: createOutboxRepository({
      documents: documentClient,
      tableName: config.reservationsTableName,
    }),
  };
}
