import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { toFrontPaymentPayload } from '#shared/reservations/front-payment-payload';
import {
  type CreateReservationRequest,
  createReservationRequestSchema,
  DEFAULT_ALLOWED_TAX_RATES,
} from '#shared/reservations/reservation-schema';

const NOW = new Date('2024-08-22T02:40:30Z');
const CALLBACK_URL = 'https://api.example.com/callbacks/front-payment';
const RESERVATION_ID = '3f2c1a9e-5d4b-5c3a-9b2e-1f0e9d8c7b6a';

const schema = createReservationRequestSchema({
  allowedTaxRates: DEFAULT_ALLOWED_TAX_RATES,
  now: () => NOW,
});

/** Front Payment's documented example payload (its two blocks joined), as Front Payment documents it. */
function documentedPayload() {
  return {
    customerDetails: {
      type: 'private',
      countryCode: '+47',
      msisdn: '46567468',
      email: 'nafees@yopmail.com',
      name: 'Nafees',
      preferredLanguage: 'en',
      personalNumber: null,
      organizationId: null,
      address: { street: 'Dhaka', zip: '3500', city: 'Cumilla', country: 'NO' },
    },
    orderDate: '1724294524',
    dueDateForPaymentLink: '1724294524',
    referenceNo: null,
    customerReference: null,
    sendOrderBy: { sms: false, email: false },
    products: { '0': { name: 'Test', productId: null, rate: 1000, tax: '0', amount: 1000 } },
    orderSummary: { subTotal: 1000.0, totalTax: 0, grandTotal: 1000.0 },
    chargeValidity: '55',
    customerNotes: null,
    tnc: null,
    submitPayment: { via: 'visa' },
    callback: {
      callbackUrl: CALLBACK_URL,
      success: 'https://wp.frontpayment.no/?order_identifier=rRbl1FWZG59o&order_status=success',
      failure: 'https://frontpayment.no/?order_identifier=rRbl1FWZG59o&order_status=failed',
    },
    settings: { secureDetails: false, isChargePartiallyRefundable: true },
  };
}

/** What a merchant sends us: the documented payload without the callbackUrl, which is ours. */
function merchantRequest(): Record<string, unknown> {
  const { callbackUrl: _ours, ...callback } = documentedPayload().callback;
  return { ...documentedPayload(), callback };
}

function parse(input: unknown): CreateReservationRequest {
  return v.parse(schema, input);
}

describe('toFrontPaymentPayload', () => {
  it('rebuilds the documented example payload exactly, with our callbackUrl and our id as customerReference', () => {
    const payload = toFrontPaymentPayload(parse(merchantRequest()), CALLBACK_URL, RESERVATION_ID);

    expect(payload).toStrictEqual({ ...documentedPayload(), customerReference: RESERVATION_ID });
  });

  it('sends an array of products in the keyed form, in order, with the tax as a string', () => {
    const request = parse({
      ...merchantRequest(),
      products: [
        { name: 'Cabin night', productId: 'CABIN-1', rate: 1000, tax: 12, amount: 1120 },
        { name: 'Cleaning', rate: '200', tax: '25', amount: '250.50' },
      ],
    });

    const payload = toFrontPaymentPayload(request, CALLBACK_URL, RESERVATION_ID);

    expect(payload.products).toStrictEqual({
      '0': { name: 'Cabin night', productId: 'CABIN-1', rate: 1000, tax: '12', amount: 1120 },
      '1': { name: 'Cleaning', productId: null, rate: 200, tax: '25', amount: 250.5 },
    });
    expect(JSON.stringify(payload)).toContain('"products":{"0":{"name":"Cabin night"');
  });

  it('gives the same payload for the array and the keyed form', () => {
    const product = { name: 'Test', productId: null, rate: 1000, tax: '0', amount: 1000 };
    const fromArray = parse({ ...merchantRequest(), products: [product, product] });
    const fromKeyed = parse({ ...merchantRequest(), products: { '0': product, '1': product } });

    expect(toFrontPaymentPayload(fromArray, CALLBACK_URL, RESERVATION_ID)).toStrictEqual(
      toFrontPaymentPayload(fromKeyed, CALLBACK_URL, RESERVATION_ID),
    );
  });

  it('sets our callbackUrl even when the merchant sends no callback', () => {
    const { callback: _none, ...request } = merchantRequest();

    const payload = toFrontPaymentPayload(parse(request), CALLBACK_URL, RESERVATION_ID);

    expect(payload.callback).toStrictEqual({ callbackUrl: CALLBACK_URL });
  });

  it('keeps only the redirect the merchant gave', () => {
    const request = parse({
      ...merchantRequest(),
      callback: { failure: 'https://shop.example/failed' },
    });

    expect(toFrontPaymentPayload(request, CALLBACK_URL, RESERVATION_ID).callback).toStrictEqual({
      callbackUrl: CALLBACK_URL,
      failure: 'https://shop.example/failed',
    });
  });

  it('fills defaults: language no, null where the documented example shows null, and leaves out the rest', () => {
    const minimal = {
      customerDetails: {
        type: 'corporate',
        countryCode: '+47',
        msisdn: '46567468',
        email: 'post@example.com',
        name: 'Example AS',
        organizationId: '987654321',
        address: { street: 'Storgata 1', zip: '0155', city: 'Oslo', country: 'NO' },
      },
      orderDate: '1724294400',
      dueDateForPaymentLink: '1724380800',
      sendOrderBy: { sms: true, email: true },
      products: [{ name: 'Cabin night', rate: 1000, tax: 0, amount: 1000 }],
      orderSummary: { subTotal: 1000, totalTax: 0, grandTotal: 1000 },
      submitPayment: { via: 'mastercard' },
    };

    const payload = toFrontPaymentPayload(parse(minimal), CALLBACK_URL, RESERVATION_ID);

    expect(payload).toStrictEqual({
      customerDetails: {
        ...minimal.customerDetails,
        preferredLanguage: 'no',
        personalNumber: null,
      },
      orderDate: '1724294400',
      dueDateForPaymentLink: '1724380800',
      referenceNo: null,
      customerReference: RESERVATION_ID,
      sendOrderBy: { sms: true, email: true },
      products: {
        '0': { name: 'Cabin night', productId: null, rate: 1000, tax: '0', amount: 1000 },
      },
      orderSummary: { subTotal: 1000, totalTax: 0, grandTotal: 1000 },
      customerNotes: null,
      tnc: null,
      submitPayment: { via: 'mastercard' },
      callback: { callbackUrl: CALLBACK_URL },
    });
  });

  it('sends chargeValidity as a string and only the settings that were given', () => {
    const request = parse({
      ...merchantRequest(),
      chargeValidity: 90,
      settings: { isChargePartiallyRefundable: false },
    });

    const payload = toFrontPaymentPayload(request, CALLBACK_URL, RESERVATION_ID);

    expect(payload.chargeValidity).toBe('90');
    expect(payload.settings).toStrictEqual({ isChargePartiallyRefundable: false });
  });
});
