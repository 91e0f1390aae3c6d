import type { PublishOptions } from '../events/event-publisher.ts';
import type { ReservationDetails } from '../front-payment/reservation-details.ts';
import type { ReservationDetailsReader } from './confirm-with-front-payment.ts';
import { type PublishRecordedDependencies, publishRecorded } from './publish-recorded.ts';
import type {
  RecordedChanges,
  ReservationState,
  StatusChangeRepository,
} from './status-change-repository.ts';

export interface RecordFromDetailsDependencies extends PublishRecordedDependencies {
  readonly repository: Pick<StatusChangeRepository, 'recordChanges'>;
  readonly details: ReservationDetailsReader;
}

/**
 * Reads Front Payment's details of a reservation, records every change they show that is not
 * recorded yet and publishes those changes' events: the path a callback takes, without a callback
 * to confirm. Each movement is one change (and one event) whichever path learns it first.
 */
export async function recordFromDetails(
  reservation: ReservationState & { readonly frontPaymentUuid: string },
  window: PublishOptions,
  dependencies: RecordFromDetailsDependencies,
): Promise<{ readonly details: ReservationDetails; readonly recorded: RecordedChanges }> {
  const now = dependencies.now ?? (() => new Date());
  const details = await dependencies.details.getReservationDetails(reservation.frontPaymentUuid);
  const recorded = await dependencies.repository.recordChanges(
    reservation,
    details,
    now().toISOString(),
    undefined,
  );
  await publishRecorded(recorded, window, dependencies);
  return { details, recorded };
}
