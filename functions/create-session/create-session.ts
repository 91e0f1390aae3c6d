import { IntegrationError } from '#shared/errors';
import type { FrontPaymentClient } from '#shared/front-payment/front-payment-client';
import { logger } from '#shared/logger';
import { toFrontPaymentPayload } from '#shared/reservations/front-payment-payload';
import type { ReservationRecord } from '#shared/reservations/reservation-record';
import type { ReservationRepository } from '#shared/reservations/reservation-repository';
import type { CreateReservationRequest } from '#shared/reservations/reservation-schema';
import { sessionFailureOf } from '#shared/reservations/session-failure';

export interface CreateSessionDependencies {
  readonly reservations: ReservationRepository;
  readonly frontPayment: Pick<FrontPaymentClient, 'createReservationSession'>;
  /** Our callback endpoint; Front Payment calls it on every status change. */
  readonly callbackUrl: string;
  readonly now: () => Date;
}

/** The answer to the merchant: our id, Front Payment's ids and where to send the customer. */
export interface CreatedReservation {
  readonly reservationId: string;
  readonly reservationUuid: string;
  readonly customerUuid: string;
  readonly paymentUrl: string;
  readonly status: string;
}

/**
 * Records the reservation, creates its checkout session at Front Payment and records the outcome.
 * The record is written first so that a failed or unfinished call is never invisible.
 */
export async function createSession(
  reservationId: string,
  request: CreateReservationRequest,
  dependencies: CreateSessionDependencies,
): Promise<CreatedReservation> {
  const { reservations, frontPayment, now } = dependencies;
  const start = await reservations.startCreating({
    reservationId,
    amounts: request.orderSummary,
    preferredPaymentMethod: request.submitPayment.via,
    ...(request.referenceNo ? { referenceNo: request.referenceNo } : {}),
    at: now(),
  });
  if (start.kind === 'already-created') {
    logger.info('session already created for this reservation', { reservationId });
    return answerFor(start.record);
  }

  try {
    const session = await frontPayment.createReservationSession(
      toFrontPaymentPayload(request, dependencies.callbackUrl),
    );
    const record = await reservations.recordSessionCreated(reservationId, session, now());
    logger.info('checkout session created', {
      reservationId,
      reservationUuid: session.reservationUuid,
    });
    return answerFor(record);
  } catch (error) {
    await recordFailure(reservations, reservationId, error, now());
    throw error;
  }
}

async function recordFailure(
  reservations: ReservationRepository,
  reservationId: string,
  error: unknown,
  at: Date,
): Promise<void> {
  const failure = sessionFailureOf(error, at);
  if (!failure) return;
  logger.warn('checkout session not created', { reservationId, reason: failure.reason });
  try {
    await reservations.recordSessionFailed(reservationId, failure);
  } catch (recordError) {
    // The caller still gets the Front Payment error; the record stays CREATING and a retry restarts it.
    logger.error('could not record the failed session', { reservationId, error: recordError });
  }
}

function answerFor(record: ReservationRecord): CreatedReservation {
  const { reservationId, frontPaymentUuid, customerUuid, paymentUrl, status } = record;
  if (!frontPaymentUuid || !customerUuid || !paymentUrl) {
    throw new IntegrationError(`Reservation ${reservationId} has no checkout session yet`);
  }
  return { reservationId, reservationUuid: frontPaymentUuid, customerUuid, paymentUrl, status };
}
