import type { StructuredLog } from '../events/structured-log.ts';
import type { PaymentStatus } from './payment-status.ts';
import { confirmStatus, type ReservationDetailsReader } from './status-confirmation.ts';

/**
 * - `confirmed`: Front Payment's details show the status (or a later one).
 * - `not-yet`: they do not (yet): its view may lag behind its own callback.
 * - `unavailable`: Front Payment could not be asked.
 * Only `confirmed` lets the change be recorded; the other two ask the sender to come back.
 */
export type CallbackConfirmation = 'confirmed' | 'not-yet' | 'unavailable';

/** Asks Front Payment whether it agrees with a verified callback, and logs when it does not. */
export async function confirmCallback(
  reader: ReservationDetailsReader,
  orderUuid: string,
  status: PaymentStatus,
  log: StructuredLog,
): Promise<CallbackConfirmation> {
  try {
    const confirmation = await confirmStatus(reader, orderUuid, status);
    if (confirmation.confirmed) return 'confirmed';
    log.warn('Callback not recorded yet: Front Payment does not confirm the status', {
      orderUuid,
      status,
      frontPaymentStatus: confirmation.frontPaymentStatus,
    });
    return 'not-yet';
  } catch (error) {
    // The Error itself too: Powertools writes its message and cause, which say why.
    log.error('Could not confirm a callback with Front Payment', {
      orderUuid,
      errorName: error instanceof Error ? error.name : 'UnknownError',
      ...(error instanceof Error ? { error } : {}),
    });
    return 'unavailable';
  }
}
