import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { newMovements } from '#shared/callbacks/movements';
import { refundsInHistory } from '#shared/front-payment/history-refunds';
import { ReservationDetailsSchema } from '#shared/front-payment/reservation-details';
import { ReservationHistorySchema } from '#shared/front-payment/reservation-history';

const UUID = 'RES4161996022';
const RECORDED = new Set(['RESERVED', 'CAPTURED:CAP1']);

/** Refunds in øre, each at one of a few minutes, so equal amounts in one minute come up often. */
const refundsArbitrary = fc.array(
  fc.record({
    cents: fc.oneof(fc.integer({ min: 1, max: 100_000 }), fc.constantFrom(1, 10, 30, 40, 10_000)),
    minute: fc.integer({ min: 0, max: 3 }),
    asNumber: fc.boolean(),
  }),
  { minLength: 1, maxLength: 12 },
);

function detailsWith(refunds: readonly { cents: number; minute: number; asNumber: boolean }[]) {
  // Front Payment's totals are floats: summed in kroner they drift (0.1 + 0.2 + …).
  const total = refunds.reduce((sum, refund) => sum + refund.cents / 100, 0);
  const captured = refunds.reduce((sum, refund) => sum + refund.cents, 0) / 100;
  const entries = v.parse(
    ReservationHistorySchema,
    refunds.map((refund) => ({
      uuid: UUID,
      title: 'refund-sent-from-captured',
      datetime: `21.01.2024 07:0${refund.minute}`,
      amount: refund.asNumber ? refund.cents / 100 : (refund.cents / 100).toFixed(2),
    })),
  );
  return {
    ...v.parse(ReservationDetailsSchema, {
      reservationUuid: UUID,
      status: 'CAPTURED',
      paymentDetails: {
        reservedAt: 1705806000,
        reservedAmount: captured,
        capturedAmount: captured,
        amountRefunded: { fromCaptured: total, fromCharge: 0 },
      },
      paymentHistory: { captured: [{ at: 1705806000, amount: captured, reference: 'CAP1' }] },
    }),
    refunds: refundsInHistory(entries, UUID),
  };
}

describe('refunds in cents (property, seeded)', () => {
  it('gives one change per refund, each its own non-zero amount, whatever the float totals', () => {
    fc.assert(
      fc.property(refundsArbitrary, (refunds) => {
        const details = detailsWith(refunds);

        const movements = newMovements(details, RECORDED);

        expect(movements.map((movement) => Math.round(movement.amount * 100))).toEqual(
          refunds.map((refund) => refund.cents),
        );
        expect(new Set(movements.map((movement) => movement.identity)).size).toBe(refunds.length);
        const recorded = new Set([...RECORDED, ...movements.map((movement) => movement.identity)]);
        expect(newMovements(details, recorded)).toEqual([]);
      }),
      { seed: 20261204, numRuns: 300 },
    );
  });

  it('records every refund once however the reads interleave with new refunds', () => {
    fc.assert(
      fc.property(refundsArbitrary, fc.integer({ min: 1, max: 12 }), (refunds, split) => {
        const firstRead = detailsWith(refunds.slice(0, split));
        const recordedFirst = newMovements(firstRead, RECORDED);
        const recorded = new Set([
          ...RECORDED,
          ...recordedFirst.map((movement) => movement.identity),
        ]);

        const later = newMovements(detailsWith(refunds), recorded);

        expect(
          [...recordedFirst, ...later].map((movement) => Math.round(movement.amount * 100)),
        ).toEqual(refunds.map((refund) => refund.cents));
      }),
      { seed: 1504, numRuns: 300 },
    );
  });
});
