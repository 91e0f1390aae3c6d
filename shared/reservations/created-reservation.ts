import * as v from 'valibot';

/**
 * The answer to `POST /reservations`: our id, Front Payment's ids and where to send the customer.
 * The OpenAPI document is generated from it.
 */
export const CreatedReservationSchema = v.strictObject({
  reservationId: v.string(),
  /** Front Payment's RES… id. */
  reservationUuid: v.string(),
  /**
   * Null only for a session the reconciler found after an unknown outcome: Front Payment's
   * details do not carry the customer's uuid or the payment link.
   */
  customerUuid: v.nullable(v.string()),
  paymentUrl: v.nullable(v.string()),
  status: v.string(),
});

export type CreatedReservation = v.InferOutput<typeof CreatedReservationSchema>;
