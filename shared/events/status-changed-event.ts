import * as v from 'valibot';
import { PAYMENT_STATUSES } from '../callbacks/payment-status.ts';

/** EventBridge `detail-type` of every status event. */
export const STATUS_CHANGED_DETAIL_TYPE = 'Reservation Status Changed';

// Its own module, so reading the configuration does not bundle this event's schema.
export { DEFAULT_EVENT_SOURCE } from './event-source.ts';

const IsoTimestampSchema = v.pipe(v.string(), v.isoTimestamp());

const AmountSchema = (description: string) =>
  v.pipe(v.number(), v.minValue(0), v.description(description));

/**
 * The `detail` of a `Reservation Status Changed` event, schema version 2: one event per change
 * Front Payment's reservation details show (reserved, each capture, each charge, each refund,
 * completed, expired, cancelled). Every figure comes from those details, never from the callback
 * that prompted us to read them. It names the reservation by ids only; no personal data is ever
 * part of it. Delivery is at least once: consumers deduplicate on `eventId`. Its JSON Schema is
 * generated from this schema in `status-changed-json-schema.ts`.
 */
export const StatusChangedDetailSchema = v.pipe(
  v.object({
    // A one-value enum rather than a literal: JSON Schema `const` does not exist in draft 4,
    // which EventBridge's Schema Registry uses.
    schemaVersion: v.pipe(
      v.picklist([2]),
      v.description('Version of this detail shape; a breaking change bumps it.'),
    ),
    eventId: v.pipe(
      v.string(),
      v.uuid(),
      v.description(
        'Stable for the change: every delivery of one change carries the same id (delivery is at least once), so consumers deduplicate on it.',
      ),
    ),
    reservationId: v.pipe(v.string(), v.nonEmpty(), v.description('Our reservation id.')),
    reservationUuid: v.pipe(
      v.string(),
      v.nonEmpty(),
      v.description("Front Payment's reservation uuid (RES…)."),
    ),
    status: v.pipe(
      v.picklist(PAYMENT_STATUSES),
      v.description(
        'What changed: RESERVED, CAPTURED, CHARGED, REFUNDED, COMPLETED, EXPIRED or CANCELLED (INVOICED and PAID are reserved for order flows).',
      ),
    ),
    previousStatus: v.pipe(
      v.string(),
      v.nonEmpty(),
      v.description("The reservation's status just before this change was recorded."),
    ),
    currentStatus: v.pipe(
      v.string(),
      v.nonEmpty(),
      v.description(
        "The reservation's status after this change, as Front Payment's details say it (a partial refund leaves it CAPTURED; a refund after COMPLETED leaves it COMPLETED); the amounts stand beside it.",
      ),
    ),
    amount: AmountSchema(
      "This change's own amount (major currency unit): the reserved amount, one capture, one charge, one refund; 0 for COMPLETED, EXPIRED, CANCELLED.",
    ),
    reference: v.pipe(
      v.nullable(v.string()),
      v.description(
        "Front Payment's id of the capture (CAP…) or charge (CHA…); null for other changes.",
      ),
    ),
    reservedAmount: AmountSchema("Front Payment's reserved total when the change was recorded."),
    capturedAmount: AmountSchema(
      "Front Payment's cumulative captured total when the change was recorded.",
    ),
    chargedAmount: AmountSchema(
      "Front Payment's cumulative charged total when the change was recorded.",
    ),
    refundedAmount: AmountSchema(
      "Front Payment's cumulative refunded total (from captures and charges) when the change was recorded.",
    ),
    occurredAt: v.pipe(
      v.nullable(IsoTimestampSchema),
      v.description(
        "When Front Payment says the change happened (its details' time, or a refund's history minute; text without a zone is read as Europe/Oslo time). Null when Front Payment gives no time (COMPLETED, EXPIRED, CANCELLED).",
      ),
    ),
    orderCreatedAt: v.pipe(
      v.nullable(IsoTimestampSchema),
      v.description('When the reservation was created at Front Payment; null when not given.'),
    ),
    receivedAt: v.pipe(
      IsoTimestampSchema,
      v.description('When we received the callback that led us to record the change.'),
    ),
  }),
  v.title('Reservation Status Changed detail'),
);

export type StatusChangedDetail = v.InferOutput<typeof StatusChangedDetailSchema>;
