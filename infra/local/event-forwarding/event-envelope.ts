import { LOCAL_ACCOUNT_ID } from '../api-gateway-event.ts';
import type { ReceivedEvent } from '../event-bridge-stand-in.ts';

/** The event as EventBridge hands it to a rule's targets (and as patterns are matched against). */
export interface EventBridgeEnvelope {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: unknown;
}

export function envelopeOf(event: ReceivedEvent, region: string): EventBridgeEnvelope {
  return {
    version: '0',
    id: event.eventId,
    'detail-type': event.detailType,
    source: event.source,
    account: LOCAL_ACCOUNT_ID,
    // EventBridge's envelope has whole seconds: 2026-01-01T00:00:00Z.
    time: event.time.replace(/\.\d+Z$/, 'Z'),
    region,
    resources: event.resources,
    detail: event.detail,
  };
}
