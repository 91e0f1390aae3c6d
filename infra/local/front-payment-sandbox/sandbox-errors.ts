import { IntegrationError } from '#shared/errors';

/** The sandbox refuses an operation the reservation's state does not allow (Front Payment's 400). */
export class SandboxRefusalError extends IntegrationError {
  override readonly name = 'SandboxRefusalError';
  constructor(
    /** Front Payment style message key, e.g. `reservationStatusAlreadyCancelled`. */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class SandboxReservationNotFoundError extends IntegrationError {
  override readonly name = 'SandboxReservationNotFoundError';
  constructor(readonly reservationUuid: string) {
    super(`No sandbox reservation ${reservationUuid}`);
  }
}
