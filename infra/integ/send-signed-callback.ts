import { readSecret, secretSourceFromEnvironment } from '#shared/config/secret-source';
import { computeChecksum, type OrderedParameters } from '#shared/front-payment/callback-checksum';

/** What the integration test asks this function to send. */
interface SignedCallbackRequest {
  readonly orderUuid: string;
  readonly status: string;
  readonly amount: string;
}

/**
 * Plays Front Payment's part in the integration test: sends `GET /callbacks/front-payment` with
 * the documented parameters and a checksum computed with the same code and the same secret the
 * callback function verifies with. Runs at test time, so `timestamp` is fresh.
 */
const callbackUrl = process.env.CALLBACK_URL ?? '';
const secretSource = secretSourceFromEnvironment('CALLBACK_SECRET');

export async function handler(request: SignedCallbackRequest): Promise<{ statusCode: number }> {
  const now = String(Math.floor(Date.now() / 1000));
  const parameters: OrderedParameters = [
    ['orderUuid', request.orderUuid],
    ['status', request.status],
    ['createdAt', now],
    ['paymentMethod', 'Visa'],
    ['amount', request.amount],
    ['timestamp', now],
  ];
  const checksum = computeChecksum(parameters, await readSecret(secretSource), 'all-parameters');
  const query = new URLSearchParams();
  for (const [name, value] of [...parameters, ['checksum', checksum] as const]) {
    query.append(name, value);
  }
  const response = await fetch(`${callbackUrl}?${query.toString()}`);
  return { statusCode: response.status };
}
