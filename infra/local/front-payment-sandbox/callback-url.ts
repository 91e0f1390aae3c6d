import {
  type ChecksumFormula,
  computeChecksum,
  type OrderedParameters,
  parseRawQuery,
} from '#shared/front-payment/callback-checksum';

/**
 * The callback URL Front Payment calls: the reservation's `callbackUrl` with its own query kept
 * first (as written), then the notification's parameters and `checksum`. The checksum covers every
 * parameter before it, the callbackUrl's own ones included, as the docs describe.
 */
export function signedCallbackUrl(
  callbackUrl: string,
  parameters: OrderedParameters,
  secret: string,
  formula: ChecksumFormula,
): string {
  const url = new URL(callbackUrl);
  const ownQuery = url.search.slice(1);
  const checksum = computeChecksum([...parseRawQuery(ownQuery), ...parameters], secret, formula);
  const added = [...parameters, ['checksum', checksum] as const]
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&');
  return `${url.origin}${url.pathname}?${ownQuery ? `${ownQuery}&` : ''}${added}`;
}
