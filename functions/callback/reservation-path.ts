import { InputValidationError } from '#shared/errors';

/** Our reservation ids are UUID-shaped (see `shared/reservations/reservation-id.ts`). */
const RESERVATION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Our reservation id from `/callbacks/front-payment/{reservationId}`; undefined on the old path.
 * The path is not covered by the checksum: the id only saves the index lookup, and the signed
 * `orderUuid` must still match the reservation it names.
 */
export function reservationIdFromPath(
  pathParameters: Readonly<Record<string, string | undefined>> | undefined,
): string | undefined {
  const reservationId = pathParameters?.reservationId;
  if (reservationId === undefined) return undefined;
  if (!RESERVATION_ID.test(reservationId)) {
    throw new InputValidationError('The callback path does not carry a reservation id', [
      { path: 'reservationId', message: 'must be a reservation id' },
    ]);
  }
  return reservationId;
}
