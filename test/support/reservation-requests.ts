/** A valid create-session request in the shape of Front Payment's documented example, with a due date one day after `now`. */
export function validReservationRequest(now: Date = new Date()) {
  const inOneDay = Math.floor(now.getTime() / 1000) + 24 * 60 * 60;
  return {
    customerDetails: {
      type: 'private',
      countryCode: '+47',
      msisdn: '46567468',
      email: 'kari.nordmann@example.com',
      name: 'Kari Nordmann',
      preferredLanguage: 'en',
      personalNumber: null,
      organizationId: null,
      address: { street: 'Storgata 1', zip: '0155', city: 'Oslo', country: 'NO' },
    },
    orderDate: String(Math.floor(now.getTime() / 1000)),
    dueDateForPaymentLink: String(inOneDay),
    referenceNo: 'ORDER-1001',
    customerReference: null,
    sendOrderBy: { sms: false, email: false },
    products: [
      { name: 'Cabin night', productId: 'CABIN-1', rate: 1000, tax: 12, amount: 1120 },
      { name: 'Cleaning', productId: null, rate: 200, tax: 25, amount: 250 },
    ],
    orderSummary: { subTotal: 1200, totalTax: 170, grandTotal: 1370 },
    chargeValidity: '55',
    customerNotes: null,
    tnc: null,
    submitPayment: { via: 'visa' },
    callback: {
      success: 'https://shop.example.com/paid?order=1001',
      failure: 'https://shop.example.com/failed?order=1001',
    },
    settings: { secureDetails: false, isChargePartiallyRefundable: true },
  };
}

/** Personal values of `validReservationRequest`; none may appear in records, logs or events. */
export const PERSONAL_VALUES = [
  'kari.nordmann@example.com',
  'Kari Nordmann',
  '46567468',
  'Storgata 1',
] as const;

/**
 * The same reservation written differently: every object's keys in reverse order, amounts as
 * fixed-point strings (`"1370.00"`), tax rates as strings (`"12"`), products in the keyed form.
 * It means the same order.
 */
export function respelled(request: object): unknown {
  const body = request as Record<string, unknown>;
  const lines = (
    Array.isArray(body.products) ? body.products : Object.values(body.products as object)
  ) as Record<string, unknown>[];
  const asText = (value: unknown) => (typeof value === 'number' ? value.toFixed(2) : value);
  const summary = body.orderSummary as Record<string, unknown>;
  return reverseKeys({
    ...body,
    products: Object.fromEntries(
      lines.map((line, index) => [
        String(index),
        { ...line, rate: asText(line.rate), tax: String(line.tax), amount: asText(line.amount) },
      ]),
    ),
    orderSummary: Object.fromEntries(
      Object.entries(summary).map(([key, value]) => [key, asText(value)]),
    ),
  });
}

function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([key, item]) => [key, reverseKeys(item)]),
  );
}
