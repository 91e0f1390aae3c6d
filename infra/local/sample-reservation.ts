import type { CreateReservationRequestInput } from '#shared/reservations/reservation-schema';

/**
 * A reservation request in Front Payment's documented shape for the printed `curl`, the demo and the end-to-end
 * tests. The customer is fictional (reserved example values); our service does not store it.
 */
export interface SampleReservationOptions {
  /** Where the checkout sends the customer back; both default to the local return page. */
  readonly returnBaseUrl: string;
  readonly referenceNo?: string;
  readonly via?: 'visa' | 'mastercard';
  readonly now?: Date;
  /** How long the payment link stays valid. @default 7 days */
  readonly validForSeconds?: number;
}

export function sampleReservationRequest(
  options: SampleReservationOptions,
): CreateReservationRequestInput {
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const reference = options.referenceNo ?? 'ORDER-1001';
  const returnUrl = (outcome: 'success' | 'failure') =>
    `${options.returnBaseUrl}/_local/return?outcome=${outcome}&reference=${encodeURIComponent(reference)}`;
  return {
    customerDetails: {
      type: 'private',
      countryCode: '+47',
      msisdn: '40000000',
      email: 'ola.nordmann@example.com',
      name: 'Ola Nordmann',
      preferredLanguage: 'en',
      personalNumber: null,
      organizationId: null,
      address: { street: 'Eksempelveien 1', zip: '0150', city: 'Oslo', country: 'NO' },
    },
    orderDate: String(now),
    dueDateForPaymentLink: String(now + (options.validForSeconds ?? 7 * 24 * 60 * 60)),
    referenceNo: reference,
    customerReference: null,
    sendOrderBy: { sms: false, email: false },
    products: {
      '0': { name: 'Cabin night', productId: 'CABIN-1', rate: 1000, tax: '12', amount: 1120 },
      '1': { name: 'Cleaning', productId: null, rate: 200, tax: '25', amount: 250 },
    },
    orderSummary: { subTotal: 1200, totalTax: 170, grandTotal: 1370 },
    // Minutes after the payment during which the stored card may be charged: 30 days, a stay's
    // extras charged after checkout. ('55' would be 55 minutes and bring a deadline warning at once.)
    chargeValidity: String(30 * 24 * 60),
    customerNotes: null,
    tnc: null,
    submitPayment: { via: options.via ?? 'visa' },
    callback: { success: returnUrl('success'), failure: returnUrl('failure') },
    settings: { secureDetails: false, isChargePartiallyRefundable: true },
  };
}

/** A copy-paste `curl` that creates the sample reservation through the local API. */
export function sampleCurl(apiUrl: string, idempotencyKey: string, body: unknown): string {
  return [
    `curl -sS -X POST ${apiUrl}/reservations \\`,
    `  -H 'content-type: application/json' \\`,
    `  -H 'Idempotency-Key: ${idempotencyKey}' \\`,
    `  --data '${JSON.stringify(body)}'`,
  ].join('\n');
}
