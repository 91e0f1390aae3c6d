import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { changeIdOf, eventIdOf } from '../callbacks/change-id.ts';
import type { PutEventsSender } from './event-publisher.ts';

/** EventBridge `detail-type` of a deadline warning. */
export const CAPTURE_DUE_DETAIL_TYPE = 'Reservation Capture Due';

/**
 * Which deadline is near: the end of the window in which the reservation can be captured, or the
 * end of the charge validity (after it, charging the stored card fails).
 */
export type DeadlineKind = 'capture-window' | 'charge-validity';

/** The `detail` of a `Reservation Capture Due` event (ids and amounts only, no personal data). */
export interface CaptureDueDetail {
  readonly schemaVersion: 1;
  /** Stable per reservation and deadline: consumers deduplicate on it. */
  readonly eventId: string;
  readonly reservationId: string;
  readonly reservationUuid: string;
  readonly deadline: DeadlineKind;
  /** When the window ends, by our configured window length (ISO). */
  readonly dueAt: string;
  readonly reservedAt: string;
  readonly reservedAmount: number;
  readonly capturedAmount: number;
  readonly chargedAmount: number;
}

export function captureDueEventId(reservationUuid: string, deadline: DeadlineKind): string {
  return eventIdOf(changeIdOf(reservationUuid, `DUE:${deadline}`));
}

/** Sends one warning; false when EventBridge did not take it. */
export type CaptureDuePublisher = (detail: CaptureDueDetail) => Promise<boolean>;

export function createCaptureDuePublisher(options: {
  readonly client: PutEventsSender;
  readonly eventBusName: string;
  readonly source: string;
}): CaptureDuePublisher {
  return async (detail) => {
    try {
      const output = await options.client.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: options.eventBusName,
              Source: options.source,
              DetailType: CAPTURE_DUE_DETAIL_TYPE,
              Detail: JSON.stringify(detail),
            },
          ],
        }),
      );
      return (output.FailedEntryCount ?? 0) === 0;
    } catch {
      return false;
    }
  };
}
