import * as v from 'valibot';
import { PAYMENT_STATUSES } from '../callbacks/payment-status.ts';

/** EventBridge `detail-type` of every status event. */
export const STATUS_CHANGED_DETAIL_TYPE = 'Reservation Status Changed';

/** EventBridge `source` unless EVENT_SOURCE says otherwise. */
export const DEFAULT_EVENT_SOURCE = 'frontpayment.reservations';

const IsoTimestampSchema = v.pipe(v.string(), v.isoTimestamp());

/**
 * The `detail` of a `Reservation Status Changed` event: one per recorded status change. It names
 * the reservation by ids only; no personal data is ever part of it. Its JSON Schema is generated
 * from this schema in `status-changed-json-schema.ts`.
 */
export const StatusChangedDetailSchema = v.pipe(
  v.object({
    // A one-value enum rather than a literal: JSON Schema `const` does not exist in draft 4,
    // which EventBridge's Schema Registry uses.
    schemaVersion: v.pipe(
      v.picklist([1]),
      v.description('Version of this detail shape; a breaking change bumps it.'),
    ),
    eventId: v.pipe(
      v.string(),
      v.uuid(),
      v.description(
        'Deterministic for the status change: every delivery of one change carries the same id, so consumers deduplicate on it.',
      ),
    ),
    reservationId: v.pipe(v.string(), v.nonEmpty(), v.description('Our reservation id.')),
    reservationUuid: v.pipe(
      v.string(),
      v.nonEmpty(),
      v.description("Front Payment's reservation uuid (the callback's orderUuid)."),
    ),
    status: v.pipe(
      v.picklist(PAYMENT_STATUSES),
      v.description('The status this change reports, normalised.'),
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
        "The reservation's status after this change. It differs from status when the change arrived late (a RESERVED after a CAPTURED): statuses never move backwards.",
      ),
    ),
    rawStatus: v.pipe(v.string(), v.description('The status exactly as Front Payment sent it.')),
    amount: v.pipe(
      v.number(),
      v.minValue(0),
      v.description('The amount of this change as Front Payment sent it (major currency unit).'),
    ),
    paymentMethod: v.pipe(
      v.nullable(v.string()),
      v.description('Payment method as Front Payment sent it (e.g. Visa); null when absent.'),
    ),
    occurredAt: v.pipe(
      IsoTimestampSchema,
      v.description("When the change happened at Front Payment (the callback's createdAt)."),
    ),
    receivedAt: v.pipe(IsoTimestampSchema, v.description('When we received the callback.')),
  }),
  v.title('Reservation Status Changed detail'),
);

export type StatusChangedDetail = v.InferOutput<typeof StatusChangedDetailSchema>;
