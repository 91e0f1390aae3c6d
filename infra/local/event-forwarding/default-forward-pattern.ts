import { PAYMENT_STATUSES } from '#shared/callbacks/payment-status';
import { statusEventPattern } from '#shared/events/status-event-pattern';
import type { EventPattern } from './event-pattern.ts';

/**
 * The default of FORWARD_EVENTS_PATTERN: what the construct's `onStatus(every status)`
 * subscribes to, in the rule's JSON form (`detail-type`).
 */
export function defaultForwardPattern(source: string): EventPattern {
  const { source: sources, detailType, detail } = statusEventPattern(source, PAYMENT_STATUSES);
  return { source: sources, 'detail-type': detailType, detail };
}
