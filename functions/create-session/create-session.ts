import { IntegrationError, SessionOutcomeUnknownError } from '#shared/errors';
import type { CreatedSession } from '#shared/front-payment/envelope';
import type { FrontPaymentSessionClient } from '#shared/front-payment/session-client';
import { idempotencyConflicts } from '#shared/http/idempotency-conflicts';
import { logger } from '#shared/logging/logger';
import type { CreatedReservation } from '#shared/reservations/created-reservation';
import { toFrontPaymentPayload } from '#shared/reservations/front-payment-payload';
import type {
  ReservationFailure,
  ReservationRecord,
} from '#shared/reservations/reservation-record';
import type { ReservationRepository } from '#shared/reservations/reservation-repository';
import type { CreateReservationRequest } from '#shared/reservations/reservation-schema';
import { SESSION_STATUSES } from '#shared/reservations/reservation-status';
import { sessionFailureOf } from '#shared/reservations/session-failure';

// Still importable from here: the answer's type now lives with its schema.
export type { CreatedReservation } from '#shared/reservations/created-reservation';

export interface CreateSessionDependencies {
  readonly reservations: ReservationRepository;
  readonly frontPayment: FrontPaymentSessionClient;
  /**
   * Our callback endpoint; Front Payment calls it on every status change, with our reservation id
   * appended as a path segment (not signed, but it saves the callback an index lookup).
   */
  readonly callbackUrl: string;
  readonly now: () => Date;
}

/** One attempt: our id, the request's fingerprint, and how long this Lambda may still run. */
export interface CreationAttempt {
  readonly reservationId: string;
  readonly requestHash: string;
  /** The caller's digest (`callerDigestOf`): the reservation's owner. */
  readonly owner: string;
  /** Epoch milliseconds; a duplicate arriving before it is told to retry. */
  readonly deadline: number;
}

/** What the merchant gets: the reservation, and whether it is the answer to an earlier attempt. */
export interface CreationOutcome {
  readonly reservation: CreatedReservation;
  readonly replayed: boolean;
}

/** Tries of the write that records a created session; the SDK retries each one too. */
const RECORD_ATTEMPTS = 3;

/**
 * Records the reservation, creates its checkout session at Front Payment and records the outcome.
 * The record is written first, with a condition, so that a failed or unfinished call is never
 * invisible and a retry of the same request never creates a second session: the record is the
 * request's idempotency record too (see `startCreating`).
 */
export async function createSession(
  attempt: CreationAttempt,
  request: CreateReservationRequest,
  dependencies: CreateSessionDependencies,
): Promise<CreationOutcome> {
  const { reservations, frontPayment, now } = dependencies;
  const { reservationId } = attempt;
  // Before the record: a token that cannot be read must not leave a CREATING record behind.
  const token = await frontPayment.readToken();
  const start = await reservations.startCreating({
    reservationId,
    amounts: request.orderSummary,
    preferredPaymentMethod: request.submitPayment.via,
    ...(request.referenceNo ? { referenceNo: request.referenceNo } : {}),
    requestHash: attempt.requestHash,
    owner: attempt.owner,
    inProgressUntil: attempt.deadline,
    at: now(),
  });
  if (start.kind === 'outcome-unknown' && start.record.status === SESSION_STATUSES.creating) {
    await recordAbandoned(reservations, reservationId, now());
  }
  if (start.kind !== 'started') return answerEarlierAttempt(start.kind, start.record);

  let session: CreatedSession;
  try {
    session = await frontPayment.createReservationSession(
      toFrontPaymentPayload(
        request,
        `${dependencies.callbackUrl}/${encodeURIComponent(reservationId)}`,
        reservationId,
      ),
      token,
    );
  } catch (error) {
    throw await recordFailedCall(reservations, reservationId, error, now());
  }
  // Logged before our write, so an operator can still match the session if the write fails.
  logger.info('checkout session created at Front Payment', {
    reservationId,
    reservationUuid: session.reservationUuid,
  });
  return {
    reservation: answerFor(await recordCreatedSession(reservations, reservationId, session, now)),
    replayed: false,
  };
}

function answerEarlierAttempt(
  kind: 'already-created' | 'outcome-unknown' | 'in-progress' | 'other-request',
  record: ReservationRecord,
): CreationOutcome {
  const { reservationId } = record;
  switch (kind) {
    case 'already-created':
      logger.info('session already created for this reservation', { reservationId });
      return { reservation: answerFor(record), replayed: true };
    case 'other-request':
      throw idempotencyConflicts.otherRequest();
    case 'in-progress':
      throw idempotencyConflicts.inProgress();
    case 'outcome-unknown':
      throw new SessionOutcomeUnknownError(
        'An earlier attempt of this request may have created a session at Front Payment; it is not created again',
        reservationId,
        'earlier-attempt',
      );
  }
}

/**
 * An earlier attempt stopped while CREATING (its Lambda ran out of time, maybe after Front Payment
 * acted): the record says so, for whoever reconciles it.
 */
async function recordAbandoned(
  reservations: ReservationRepository,
  reservationId: string,
  at: Date,
): Promise<void> {
  const failure = {
    reason: 'interrupted',
    retryable: false,
    message: 'The attempt stopped before it recorded what Front Payment answered',
    at: at.toISOString(),
  } as const;
  try {
    if (await reservations.recordAbandoned(reservationId, failure)) {
      logger.warn('abandoned attempt marked as unknown outcome', { reservationId });
    }
  } catch (error) {
    // The answer is the same either way; the record stays CREATING, which reads as unknown too.
    logger.error('could not mark the abandoned attempt', {
      reservationId,
      errorName: error instanceof Error ? error.name : typeof error,
    });
  }
}

async function recordCreatedSession(
  reservations: ReservationRepository,
  reservationId: string,
  session: CreatedSession,
  now: () => Date,
): Promise<ReservationRecord> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await reservations.recordSessionCreated(reservationId, session, now());
    } catch (error) {
      if (attempt >= RECORD_ATTEMPTS) {
        logger.error('checkout session created but not recorded', {
          reservationId,
          reservationUuid: session.reservationUuid,
          errorName: error instanceof Error ? error.name : typeof error,
        });
        throw new SessionOutcomeUnknownError(
          'Front Payment created the session, but it could not be recorded',
          reservationId,
          'unrecorded',
          { cause: error },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
    }
  }
}

/**
 * Keeps the failure on the record and returns the error to answer with. When Front Payment may
 * have created the session anyway, the reservation is marked SESSION_OUTCOME_UNKNOWN and the
 * answer says not to retry.
 */
async function recordFailedCall(
  reservations: ReservationRepository,
  reservationId: string,
  error: unknown,
  at: Date,
): Promise<unknown> {
  const described = sessionFailureOf(error, at);
  if (!described) return error;
  const { failure, outcomeKnown } = described;
  logger.warn('checkout session not created', {
    reservationId,
    reason: failure.reason,
    outcomeKnown,
  });
  const status = outcomeKnown
    ? SESSION_STATUSES.sessionFailed
    : SESSION_STATUSES.sessionOutcomeUnknown;
  try {
    await reservations.recordSessionFailed(reservationId, failure, status);
  } catch (recordError) {
    // The record stays CREATING, which a retry also treats as an unknown outcome.
    logger.error('could not record the failed session', { reservationId, error: recordError });
  }
  if (outcomeKnown) return error;
  return new SessionOutcomeUnknownError(
    `${failure.message}; Front Payment may have created the session, so it is not created again`,
    reservationId,
    unknownOutcomeKind(failure.reason),
    { cause: error },
  );
}

function answerFor(record: ReservationRecord): CreatedReservation {
  const { reservationId, frontPaymentUuid, customerUuid, paymentUrl, status } = record;
  if (!frontPaymentUuid) {
    throw new IntegrationError(`Reservation ${reservationId} has no checkout session yet`);
  }
  return {
    reservationId,
    reservationUuid: frontPaymentUuid,
    customerUuid: customerUuid ?? null,
    paymentUrl: paymentUrl ?? null,
    status,
  };
}

function unknownOutcomeKind(
  reason: ReservationFailure['reason'],
): SessionOutcomeUnknownError['kind'] {
  if (reason === 'timeout' || reason === 'interrupted' || reason === 'server-error') return reason;
  return 'unreadable';
}
