import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { InputValidationError } from '../errors.ts';

/** Long enough for a UUID, a ULID or an order number with a prefix; short enough to log. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

/** The `Idempotency-Key` header, or undefined without one; a malformed key is a 400 naming it. */
export function idempotencyKeyOf(event: APIGatewayProxyEventV2): string | undefined {
  const key = event.headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (key.length <= MAX_IDEMPOTENCY_KEY_LENGTH && PRINTABLE_ASCII.test(key)) return key;
  throw new InputValidationError('The Idempotency-Key header is invalid', [
    {
      path: 'Idempotency-Key',
      message: `must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters without spaces`,
    },
  ]);
}
