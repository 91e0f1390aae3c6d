import { CAPTURE_DUE_DETAIL_TYPE } from '#shared/events/capture-due-event';
import { STATUS_CHANGED_DETAIL_TYPE } from '#shared/events/status-changed-event';
import type { ReceivedEvent } from '../event-bridge-stand-in.ts';

/** One line of the console's events list: what an event of any type says. */
export interface EventSummary {
  readonly type: string;
  readonly reservationId: string | null;
  readonly reservationUuid: string | null;
  /** The badge: the status, the deadline kind, or the type of an event the console does not know. */
  readonly label: string;
  /** The event in words, e.g. `CAPTURED 1370.00 NOK` or `capture-window ends 2026-…Z`. */
  readonly says: string;
  /** NOK moved, for status events; null otherwise. */
  readonly amount: number | null;
}

/** Reads the detail loosely: the console shows whatever reached the bus, even a malformed event. */
export function summarizeEvent(event: ReceivedEvent): EventSummary {
  const detail = (event.detail ?? {}) as Record<string, unknown>;
  const text = (name: string) => (typeof detail[name] === 'string' ? detail[name] : null);
  const base = {
    type: event.detailType,
    reservationId: text('reservationId'),
    reservationUuid: text('reservationUuid'),
  };
  if (event.detailType === STATUS_CHANGED_DETAIL_TYPE) {
    const status = text('status') ?? 'unknown status';
    const amount = typeof detail.amount === 'number' ? detail.amount : null;
    return {
      ...base,
      label: status,
      says: amount === null ? status : `${status} ${amount.toFixed(2)} NOK`,
      amount,
    };
  }
  if (event.detailType === CAPTURE_DUE_DETAIL_TYPE) {
    const deadline = text('deadline') ?? 'unknown deadline';
    return {
      ...base,
      label: deadline,
      says: `${deadline} ends ${text('dueAt') ?? '?'}`,
      amount: null,
    };
  }
  return { ...base, label: event.detailType, says: 'see the full detail', amount: null };
}
