import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { canonicalJson, requestFingerprint } from '#shared/reservations/request-fingerprint';
import {
  createReservationRequestSchema,
  DEFAULT_ALLOWED_TAX_RATES,
} from '#shared/reservations/reservation-schema';
import { respelled, validReservationRequest } from '../support/reservation-requests.ts';

const NOW = new Date('2026-01-01T00:00:00Z');
const schema = createReservationRequestSchema({
  allowedTaxRates: DEFAULT_ALLOWED_TAX_RATES,
  now: () => NOW,
});
const fingerprintOf = (body: unknown) => requestFingerprint(v.parse(schema, body));

describe('requestFingerprint', () => {
  it('is the same for the same order in another key order and number spelling', () => {
    const request = validReservationRequest(NOW);

    expect(JSON.stringify(respelled(request))).not.toBe(JSON.stringify(request));
    expect(fingerprintOf(respelled(request))).toBe(fingerprintOf(request));
  });

  it('is the same when only a recomputed dueDateForPaymentLink differs', () => {
    const request = validReservationRequest(NOW);
    const later = {
      ...request,
      dueDateForPaymentLink: String(Number(request.dueDateForPaymentLink) + 90),
    };

    expect(fingerprintOf(later)).toBe(fingerprintOf(request));
  });

  it('is the same when a default is written out or left out', () => {
    const request = validReservationRequest(NOW);
    const { preferredLanguage: _en, ...customer } = request.customerDetails;
    const written = { ...request, customerDetails: { ...customer, preferredLanguage: 'no' } };
    const left = { ...request, customerDetails: customer, tnc: '' };

    expect(fingerprintOf(left)).toBe(fingerprintOf(written));
  });

  it.each([
    [
      'an amount',
      (r: ReturnType<typeof validReservationRequest>) => (r.orderSummary.grandTotal = 1371),
    ],
    [
      'the order reference',
      (r: ReturnType<typeof validReservationRequest>) => (r.referenceNo = 'ORDER-1002'),
    ],
    ['the SMS flag', (r: ReturnType<typeof validReservationRequest>) => (r.sendOrderBy.sms = true)],
    ['the product order', (r: ReturnType<typeof validReservationRequest>) => r.products.reverse()],
  ])('differs when %s differs', (_, edit) => {
    const request = validReservationRequest(NOW);
    const other = validReservationRequest(NOW);
    edit(other);

    expect(fingerprintOf(other)).not.toBe(fingerprintOf(request));
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: [{ d: 1, c: 2 }], a: null })).toBe('{"a":null,"b":[{"c":2,"d":1}]}');
  });
});
