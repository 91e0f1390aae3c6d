/**
 * A create payload Front Payment accepts, shaped like the example on Front Payment's create page (products keyed
 * "0", "1"; timestamps as digit strings), with made-up customer data. For tests, the demo and
 * copy-paste requests against the sandbox.
 */
export function exampleCreatePayload(
  callback: {
    readonly callbackUrl?: string;
    readonly success?: string;
    readonly failure?: string;
  } = {},
) {
  const now = Math.floor(Date.now() / 1000);
  return {
    customerDetails: {
      type: 'private',
      countryCode: '+47',
      msisdn: '46567468',
      email: 'kari.nordmann@example.com',
      name: 'Kari Nordmann',
      preferredLanguage: 'en',
      personalNumber: null as string | null,
      organizationId: null as string | null,
      address: { street: 'Storgata 1', zip: '0155', city: 'Oslo', country: 'NO' },
    },
    orderDate: String(now),
    dueDateForPaymentLink: String(now + 24 * 60 * 60),
    referenceNo: 'BOOKING-1001',
    customerReference: null as string | null,
    sendOrderBy: { sms: false, email: false },
    products: {
      '0': { name: 'Cabin, two nights', productId: 'CABIN-2N', rate: 800, tax: '12', amount: 800 },
      '1': {
        name: 'Cleaning',
        productId: null as string | null,
        rate: 200,
        tax: '25',
        amount: 200,
      },
    } as Record<string, unknown>,
    // Amounts include tax: 800 at 12 % and 200 at 25 %.
    orderSummary: { subTotal: 874.29, totalTax: 125.71, grandTotal: 1000.0 },
    chargeValidity: '55',
    customerNotes: null as string | null,
    tnc: null as string | null,
    submitPayment: { via: 'visa' },
    callback: { ...callback } as Record<string, string>,
    settings: { secureDetails: false, isChargePartiallyRefundable: true },
  };
}

export type ExampleCreatePayload = ReturnType<typeof exampleCreatePayload>;
