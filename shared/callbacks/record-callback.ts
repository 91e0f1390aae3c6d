import type { FieldError } from '../errors.ts';
import type { EventPublisher } from '../events/event-publisher.ts';
import { logStatusEventNotPublished } from '../events/outbox-log.ts';
import type { OutboxRepository, PendingEvent } from '../events/outbox-repository.ts';
import { publishOutbox } from '../events/publish-outbox.ts';
import type { StructuredLog } from '../events/structured-log.ts';
import {
  type ChecksumFormula,
  hasValidChecksum,
  parseRawQuery,
} from '../front-payment/callback-checksum.ts';
import { PENDING_OUTBOX } from '../reservations/table-design.ts';
import { parseCallbackQuery } from './callback-query.ts';
import { normalisePaymentStatus } from './payment-status.ts';
import { statusChangeFromCallback } from './status-change.ts';
import type { RecordOutcome, StatusChangeRepository } from './status-change-repository.ts';
import { confirmStatus, type ReservationDetailsReader } from './status-confirmation.ts';

export interface RecordCallbackDependencies {
  /** Front Payment's callback secret key. */
  readonly secret: () => Promise<string>;
  readonly checksumFormula: ChecksumFormula;
  /** Refuse callbacks whose `timestamp` is further than this from now; off when absent. */
  readonly maxAgeSeconds?: number;
  /** When set, Front Payment's API must agree with the status before it is recorded. */
  readonly confirmation?: ReservationDetailsReader;
  readonly repository: StatusChangeRepository;
  readonly publisher: EventPublisher;
  readonly outbox: Pick<OutboxRepository, 'claim' | 'markPublished' | 'release'>;
  readonly log: StructuredLog;
  readonly now?: () => Date;
}

export interface CallbackRequest {
  /** The query exactly as received: the checksum depends on its order. */
  readonly rawQueryString: string;
}

export type CallbackOutcome =
  | {
      readonly kind: 'recorded';
      readonly duplicate: boolean;
      readonly reservationId: string;
      readonly eventId: string;
      /** False when the event still waits in the outbox (EventBridge failed just now). */
      readonly published: boolean;
    }
  /** Missing or wrong checksum, or too old: nothing says which. */
  | { readonly kind: 'forbidden' }
  | { readonly kind: 'invalid'; readonly message: string; readonly errors: readonly FieldError[] }
  | { readonly kind: 'unknown-reservation'; readonly orderUuid: string }
  | { readonly kind: 'not-confirmed'; readonly orderUuid: string }
  | { readonly kind: 'confirmation-unavailable' };

/**
 * Handles one Front Payment callback: verify, normalise, record once, publish. Throws only when
 * the change could not be recorded (DynamoDB failed): then nothing was recorded or published and
 * the sender should try again.
 */
export async function recordCallback(
  request: CallbackRequest,
  dependencies: RecordCallbackDependencies,
): Promise<CallbackOutcome> {
  const { log, repository } = dependencies;
  const receivedAt = (dependencies.now ?? (() => new Date()))();
  const parameters = parseRawQuery(request.rawQueryString);

  const secret = await dependencies.secret();
  if (!hasValidChecksum(parameters, secret, dependencies.checksumFormula)) {
    log.warn('Callback refused: checksum missing or wrong', {
      parameterNames: parameters.map(([name]) => name),
    });
    return { kind: 'forbidden' };
  }

  const parsed = parseCallbackQuery(parameters);
  if (!parsed.success) {
    log.warn('Callback refused: malformed parameters', {
      fields: parsed.errors.map((error) => error.path),
    });
    return {
      kind: 'invalid',
      message: 'The callback parameters are invalid',
      errors: parsed.errors,
    };
  }
  const { query } = parsed;

  if (dependencies.maxAgeSeconds !== undefined) {
    const ageSeconds = receivedAt.getTime() / 1000 - Number(query.timestamp);
    if (Math.abs(ageSeconds) > dependencies.maxAgeSeconds) {
      log.warn('Callback refused: timestamp outside the accepted window', {
        orderUuid: query.orderUuid,
        ageSeconds: Math.round(ageSeconds),
      });
      return { kind: 'forbidden' };
    }
  }

  const status = normalisePaymentStatus(query.status);
  if (!status) {
    log.warn('Callback refused: unknown status', {
      orderUuid: query.orderUuid,
      rawStatus: query.status,
    });
    return {
      kind: 'invalid',
      message: 'The callback status is not one we know',
      errors: [{ path: 'status', message: 'is not a known payment status' }],
    };
  }
  const change = statusChangeFromCallback(query, status, receivedAt);

  if (dependencies.confirmation) {
    let confirmation: Awaited<ReturnType<typeof confirmStatus>>;
    try {
      confirmation = await confirmStatus(dependencies.confirmation, query.orderUuid, status.status);
    } catch (error) {
      log.error('Could not confirm a callback with Front Payment', {
        orderUuid: query.orderUuid,
        errorName: error instanceof Error ? error.name : 'UnknownError',
      });
      return { kind: 'confirmation-unavailable' };
    }
    if (!confirmation.confirmed) {
      log.warn('Callback refused: Front Payment does not confirm the status', {
        orderUuid: query.orderUuid,
        status: status.status,
        frontPaymentStatus: confirmation.frontPaymentStatus,
      });
      return { kind: 'not-confirmed', orderUuid: query.orderUuid };
    }
  }

  const reservation = await repository.findReservation(query.orderUuid);
  if (!reservation) {
    await repository.recordUnmatchedCallback(change, request.rawQueryString);
    log.warn('Callback for an unknown reservation kept as unmatched', {
      orderUuid: query.orderUuid,
      status: status.status,
      changeId: change.changeId,
    });
    return { kind: 'unknown-reservation', orderUuid: query.orderUuid };
  }

  const outcome = await repository.recordStatusChange(reservation, change);
  const { record } = outcome;
  log.info(
    outcome.kind === 'recorded' ? 'Recorded status change' : 'Status change already recorded',
    {
      reservationId: record.reservationId,
      eventId: record.eventId,
      status: record.status,
      previousStatus: record.previousStatus,
      currentStatus: record.currentStatus,
    },
  );
  const published = await publishRecorded(outcome, dependencies, receivedAt);
  return {
    kind: 'recorded',
    duplicate: outcome.kind === 'duplicate',
    reservationId: record.reservationId,
    eventId: record.eventId,
    published,
  };
}

/**
 * Publishes the change's event. A new change: its recorder holds the publish lease already. A
 * duplicate whose event is still pending (EventBridge failed last time): take the lease first,
 * so concurrent deliveries of one change publish once. Failures are logged and left in the
 * outbox: the change is recorded, which is what the answer to Front Payment is about.
 */
async function publishRecorded(
  outcome: RecordOutcome,
  dependencies: RecordCallbackDependencies,
  now: Date,
): Promise<boolean> {
  const { record } = outcome;
  if (record.outbox !== PENDING_OUTBOX) return true;
  const key = { pk: record.pk, sk: record.sk };
  try {
    let pending: PendingEvent | undefined = { key, detail: record.detail };
    if (outcome.kind === 'duplicate') pending = await dependencies.outbox.claim(key, now);
    if (!pending) return false;
    const result = await publishOutbox(dependencies, [pending]);
    for (const failure of result.failed) {
      logStatusEventNotPublished(
        dependencies.log,
        record.detail,
        { errorCode: failure.errorCode },
        now,
      );
    }
    for (const eventId of result.unmarked) {
      dependencies.log.warn('Status event published but still marked pending; it may repeat', {
        eventId,
      });
    }
    return result.published.includes(record.eventId);
  } catch (error) {
    const errorName = error instanceof Error ? error.name : 'UnknownError';
    logStatusEventNotPublished(dependencies.log, record.detail, { errorName }, now);
    return false;
  }
}
