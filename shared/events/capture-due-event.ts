import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import * as v from 'valibot';
import { changeIdOf, eventIdOf } from '../callbacks/change-id.ts';
import type { PutEventsSender } from './event-publisher.ts';

/** EventBridge `detail-type` of a deadline warning. */
export const CAPTURE_DUE_DETAIL_TYPE = 'Reservation Capture Due';

/**
 * Which deadline is near: the end of the window in which the reservation can be captured, or the
 * end of the charge validity (after it, charging the stored card fails).
 */
export const DEADLINE_KINDS = ['capture-window', 'charge-validity'] as const;
export type DeadlineKind = (typeof DEADLINE_KINDS)[number];

const IsoTimestampSchema = (description: string) =>
  v.pipe(v.string(), v.isoTimestamp(), v.description(description));

const AmountSchema = (description: string) =>
  v.pipe(v.number(), v.minValue(0), v.description(description));

/**
 * The `detail` of a `Reservation Capture Due` event, schema version 1: a deadline of a reservation
 * is near (ids and amounts only, no personal data). Sent once per reservation and deadline; its
 * JSON Schema is generated from this schema in `capture-due-json-schema.ts`.
 */
export const CaptureDueDetailSchema = v.pipe(
  v.object({
    // A one-value enum: draft 4 (EventBridge's Schema Registry) has no `const`.
    schemaVersion: v.pipe(
      v.picklist([1]),
      v.description('Version of this detail shape; a breaking change bumps it.'),
    ),
    eventId: v.pipe(
      v.string(),
      v.uuid(),
      v.description('Stable per reservation and deadline: consumers deduplicate on it.'),
    ),
    reservationId: v.pipe(v.string(), v.nonEmpty(), v.description('Our reservation id.')),
    reservationUuid: v.pipe(
      v.string(),
      v.nonEmpty(),
      v.description("Front Payment's reservation uuid (RES…)."),
    ),
    deadline: v.pipe(
      v.picklist(DEADLINE_KINDS),
      v.description(
        'Which deadline is near: capture-window (the reservation can be captured until dueAt) or charge-validity (charging the stored card fails after dueAt).',
      ),
    ),
    dueAt: IsoTimestampSchema('When the deadline passes, by the configured window length.'),
    reservedAt: IsoTimestampSchema('When the customer paid the reservation.'),
    reservedAmount: AmountSchema("Front Payment's reserved total."),
    capturedAmount: AmountSchema('Captured so far.'),
    chargedAmount: AmountSchema('Charged so far.'),
  }),
  v.description(
    'A deadline of a Front Payment reservation is near: capture (or charge) before it.',
  ),
);

export type CaptureDueDetail = v.InferOutput<typeof CaptureDueDetailSchema>;

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
