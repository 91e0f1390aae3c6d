import * as v from 'valibot';
import { SESSION_FAILURE_REASONS } from '../reservations/reservation-record.ts';
import { CommandAnswerSchema } from './command-answer.ts';

const timestamp = () => v.pipe(v.string(), v.isoTimestamp());

const AmountsSchema = v.strictObject({
  subTotal: v.number(),
  totalTax: v.number(),
  grandTotal: v.number(),
});

/** One recorded change, as the version 2 events carry it. */
const HistoryEntrySchema = v.strictObject({
  eventId: v.string(),
  status: v.string(),
  amount: v.number(),
  reference: v.nullable(v.string()),
  previousStatus: v.string(),
  currentStatus: v.string(),
  /** When Front Payment says it happened, when its records tell. */
  occurredAt: v.nullable(v.string()),
  receivedAt: timestamp(),
});

/** Why creating the checkout session failed: our words, never the token or personal data. */
const SessionFailureSchema = v.strictObject({
  reason: v.picklist(SESSION_FAILURE_REASONS),
  message: v.string(),
  retryable: v.boolean(),
  frontPaymentStatusCode: v.optional(v.number()),
  at: timestamp(),
});

/**
 * `GET /reservations/{id}`: our record of a reservation, without personal data or key material.
 * The OpenAPI document is generated from it.
 */
export const ReservationViewSchema = v.strictObject({
  reservationId: v.string(),
  /** Front Payment's RES… id; null until its checkout session exists. */
  reservationUuid: v.nullable(v.string()),
  status: v.string(),
  amounts: AmountsSchema,
  referenceNo: v.nullable(v.string()),
  paymentUrl: v.nullable(v.string()),
  createdAt: timestamp(),
  updatedAt: timestamp(),
  /** Front Payment's cumulative amounts as of the latest recorded change. */
  cumulative: v.strictObject({
    reserved: v.number(),
    captured: v.number(),
    charged: v.number(),
    refunded: v.number(),
  }),
  /** Every recorded change, oldest first. */
  history: v.array(HistoryEntrySchema),
  commands: v.array(CommandAnswerSchema),
  /** Why creating the checkout session failed, when it did. */
  failure: v.nullable(SessionFailureSchema),
});

export type ReservationView = v.InferOutput<typeof ReservationViewSchema>;
