import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { ReservationDetailsSchema } from '#shared/front-payment/reservation-details';
import { deadlinesOf } from '../../functions/reconcile/deadlines.ts';
import { sampleReservationRequest } from '../../infra/local/sample-reservation.ts';

const DAY = 24 * 60 * 60 * 1000;

describe('the sample reservation', () => {
  it('has a charge validity far beyond the capture window: paying it warns of no deadline', () => {
    const now = new Date('2026-12-04T12:00:00Z');
    const sample = sampleReservationRequest({ returnBaseUrl: 'http://127.0.0.1:3000', now });
    // Read back as Front Payment's details give it, the day the customer pays.
    const details = v.parse(ReservationDetailsSchema, {
      reservationUuid: 'RES1',
      status: 'RESERVED',
      grandTotal: sample.orderSummary.grandTotal,
      chargeValidity: sample.chargeValidity,
      paymentDetails: {
        reservedAt: now.getTime() / 1000,
        reservedAmount: sample.orderSummary.grandTotal,
        capturedAmount: 0,
        chargedAmount: 0,
      },
    });

    const deadlines = deadlinesOf(details, {
      captureWindowMs: 7 * DAY,
      chargeValidityMs: 90 * DAY,
      leadTimeMs: DAY,
    });

    const chargeValidity = deadlines.find((deadline) => deadline.kind === 'charge-validity');
    expect(chargeValidity).toBeDefined();
    expect((chargeValidity?.dueAt ?? 0) - now.getTime()).toBeGreaterThanOrEqual(14 * DAY);
  });
});
