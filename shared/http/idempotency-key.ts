import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { IdempotencyKeyMissingError, InputValidationError } from '../errors.ts';

/** Long enough for a UUID, a ULID or an order number with a prefix; short enough to log. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;
export const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

/**
 * The `Idempotency-Key` header, required: without one a retry cannot be recognised, and a retried
 * create would give the customer two payment links, a retried command move money twice. A
 * missing or malformed key is a 400 naming the header.
 */
export function requiredIdempotencyKeyOf(event: APIGatewayProxyEventV2): string {
  const key = idempotencyKeyOf(event);
  if (key !== undefined) return key;
  throw new IdempotencyKeyMissingError('An Idempotency-Key header is required', [
    {
      path: 'Idempotency-Key',
      message: 'is required: the request is sent to Front Payment only once per key',
    },
  ]);
}

/** The `Idempotency-Key` header, or undefined without one; a malformed key is a 400 naming it. */
export function idempotencyKeyOf(event: APIGatewayProxyEventV2): string | undefined {
  const key = event.headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (key.includes(',')) {
    // API Gateway (payload 2.0) hands Lambda a repeated header as one, its values comma-joined.
    throw new InputValidationError('The Idempotency-Key header is invalid', [
      { path: 'Idempotency-Key', message: 'must be sent once, and contain no comma' },
    ]);
  }
  if (key.length <= MAX_IDEMPOTENCY_KEY_LENGTH && PRINTABLE_ASCII.test(key)) return key;
  throw new InputValidationError('The Idempotency-Key header is invalid', [
    {
      path: 'Idempotency-Key',
      message: `must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters without spaces`,
    },
  ]);
}
