import * as v from 'valibot';
import { InputValidationError, UnreadableRequestError } from '#shared/errors';
import {
  type CreateReservationRequest,
  createReservationRequestSchema,
} from '#shared/reservations/reservation-schema';
import { toFieldErrors } from '#shared/validation-issues';

/**
 * Builds the request parser once (the allowed tax rates are configuration) and returns a function
 * that validates a parsed JSON body, throwing one error that lists every failing field. No body
 * at all is refused as not an object, like `null` (json-body.ts).
 */
export function parseReservationRequest(allowedTaxRates: readonly number[]) {
  const schema = createReservationRequestSchema({ allowedTaxRates, now: () => new Date() });
  return (body: unknown): CreateReservationRequest => {
    if (body === undefined) {
      throw new UnreadableRequestError(
        'Request body is required: a JSON object',
        'body-not-object',
      );
    }
    const result = v.safeParse(schema, body, { abortEarly: false, abortPipeEarly: false });
    if (result.success) return result.output;
    throw new InputValidationError('The reservation is invalid', toFieldErrors(result.issues));
  };
}
