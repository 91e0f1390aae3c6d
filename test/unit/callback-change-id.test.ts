import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { changeIdOf, eventIdOf } from '#shared/callbacks/change-id';
import { movementsOf, newMovements } from '#shared/callbacks/movements';
import { refundsInHistory } from '#shared/front-payment/history-refunds';
import {
  frontPaymentTime,
  ReservationDetailsSchema,
} from '#shared/front-payment/reservation-details';
import { ReservationHistorySchema } from '#shared/front-payment/reservation-history';

describe('changeIdOf (the deduplication key)', () => {
  it('is sha256 hex of (reservation uuid, identity at Front Payment)', () => {
    // printf '%s' '["RES4161996022","CAPTURED:CAP1234567890"]' | sha256sum
    expect(changeIdOf('RES4161996022', 'CAPTURED:CAP1234567890')).toBe(
      '3c4ffdd39c7215ed17b594b9e9e0fb959fd0c6c84650492d8c622051c291f3ee',
    );
  });

  it('tells apart identities and reservations, and cannot be confused by field boundaries', () => {
    const id = changeIdOf('RES4161996022', 'CAPTURED:CAP1');
    expect(changeIdOf('RES4161996022', 'CAPTURED:CAP2')).not.toBe(id);
    expect(changeIdOf('RES4161996023', 'CAPTURED:CAP1')).not.toBe(id);
    expect(changeIdOf('RES1', '2CAPTURED')).not.toBe(changeIdOf('RES12', 'CAPTURED'));
  });
});

describe('eventIdOf', () => {
  it('is a version 8 UUID derived from the change id, the same every time', () => {
    const changeId = changeIdOf('RES4161996022', 'RESERVED');
    const eventId = eventIdOf(changeId);

    expect(eventId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(eventIdOf(changeId)).toBe(eventId);
    expect(eventId.replaceAll('-', '').slice(0, 12)).toBe(changeId.slice(0, 12));
  });
});

/** Front Payment's details `data`, with the customer's personal data it always carries. */
function details(overrides: Record<string, unknown> = {}) {
  return v.parse(ReservationDetailsSchema, {
    reservationUuid: 'RES4161996022',
    status: 'CAPTURED',
    grandTotal: 1000,
    reservationDate: '21.01.2024 04:00',
    customerDetails: { name: 'Kari Nordmann', email: 'kari@example.com' },
    paymentDetails: {
      reservedAt: 1705806000,
      reservedAmount: '1000.00',
      capturedAmount: 800,
      chargedAmount: 0,
      amountRefunded: { fromCaptured: 0, fromCharge: 0 },
    },
    paymentHistory: {
      reserved: [{ at: 1705806000, amount: 1000 }],
      captured: [
        { at: '21.01.2024 05:00', amount: 400, reference: 'CAP1', isRefunded: false },
        { at: '21.01.2024 06:00', amount: '400', reference: 'CAP2', isRefunded: false },
      ],
      charged: [],
    },
    ...overrides,
  });
}

describe('ReservationDetailsSchema (what we keep of Front Payment details)', () => {
  it('keeps amounts as numbers and drops the personal data at the boundary', () => {
    const parsed = details();

    expect(parsed.reservedAmount).toBe(1000);
    expect(parsed.captures.map((entry) => entry.amount)).toEqual([400, 400]);
    expect(JSON.stringify(parsed)).not.toContain('Kari');
    expect(parsed).not.toHaveProperty('customerDetails');
  });
});

describe('movements (each change identified as Front Payment identifies it)', () => {
  it('identifies captures by their reference, so two of the same amount are two changes', () => {
    expect(movementsOf(details()).map((m) => [m.identity, m.amount, m.occurredAt])).toEqual([
      ['RESERVED', 1000, '2024-01-21T03:00:00.000Z'],
      ['CAPTURED:CAP1', 400, '2024-01-21T04:00:00.000Z'],
      ['CAPTURED:CAP2', 400, '2024-01-21T05:00:00.000Z'],
    ]);
  });

  it('falls back to the cumulative total after a capture that has no reference', () => {
    const withoutReferences = details({
      paymentHistory: {
        captured: [
          { at: null, amount: 400 },
          { at: null, amount: 400, reference: '' },
        ],
      },
    });
    expect(movementsOf(withoutReferences).map((m) => m.identity)).toEqual([
      'RESERVED',
      'CAPTURED@400',
      'CAPTURED@800',
    ]);
  });

  it('lists only what was not recorded; each refund the history lists is one change', () => {
    const refunded = {
      ...details({
        status: 'COMPLETED',
        paymentDetails: {
          reservedAmount: 1000,
          capturedAmount: 800,
          amountRefunded: { fromCaptured: '250.5', fromCharge: 0 },
        },
      }),
      refunds: refundsInHistory(
        [refundEntry('21.01.2024 07:00', '100.00'), refundEntry('21.01.2024 08:00', '150.50')],
        'RES4161996022',
      ),
    };
    const first = 'REFUNDED:captured:2024-01-21T06:00:00.000Z:10000#1';
    const second = 'REFUNDED:captured:2024-01-21T07:00:00.000Z:15050#1';
    const recorded = new Set(['RESERVED', 'CAPTURED:CAP1', first]);

    expect(newMovements(refunded, recorded).map((m) => [m.kind, m.identity, m.amount])).toEqual([
      ['CAPTURED', 'CAPTURED:CAP2', 400],
      ['REFUNDED', second, 150.5],
      ['COMPLETED', 'COMPLETED', 0],
    ]);
    expect(
      newMovements(refunded, new Set([...recorded, 'CAPTURED:CAP2', second, 'COMPLETED'])),
    ).toEqual([]);
  });

  it('records no refund while the history was not read, and none the details do not count yet', () => {
    const base = details({
      paymentDetails: {
        reservedAmount: 1000,
        capturedAmount: 800,
        amountRefunded: { fromCaptured: 100, fromCharge: 0 },
      },
    });
    const recorded = new Set(['RESERVED', 'CAPTURED:CAP1', 'CAPTURED:CAP2']);
    const listed = refundsInHistory(
      [refundEntry('21.01.2024 07:00', '100'), refundEntry('21.01.2024 07:01', '50')],
      'RES4161996022',
    );

    expect(newMovements(base, recorded)).toEqual([]);
    expect(newMovements({ ...base, refunds: listed }, recorded).map((m) => m.amount)).toEqual([
      100,
    ]);
  });

  it('counts refunds recorded as a cumulative total by an earlier version as covered', () => {
    const refunded = {
      ...details({
        paymentDetails: {
          reservedAmount: 1000,
          capturedAmount: 800,
          amountRefunded: { fromCaptured: 300, fromCharge: 0 },
        },
      }),
      refunds: refundsInHistory(
        [refundEntry('21.01.2024 07:00', '100'), refundEntry('21.01.2024 07:05', '200')],
        'RES4161996022',
      ),
    };
    const recorded = new Set(['RESERVED', 'CAPTURED:CAP1', 'CAPTURED:CAP2']);

    expect(
      newMovements(refunded, new Set([...recorded, 'REFUNDED:captured@100'])).map((m) => m.amount),
    ).toEqual([200]);
    expect(newMovements(refunded, new Set([...recorded, 'REFUNDED:captured@300']))).toEqual([]);
  });
});

/** A refund as Front Payment's history lists it (amount as a string, Oslo time without a zone). */
function refundEntry(datetime: string, amount: string, title = 'refund-sent-from-captured') {
  const [entry] = v.parse(ReservationHistorySchema, [
    { uuid: 'RES4161996022', title, datetime, amount, paymentMethod: 'Visa' },
  ]);
  return entry as NonNullable<typeof entry>;
}

describe('refund amounts are compared in cents', () => {
  it('sees no new refund when the total differs from the recorded one only by float noise', () => {
    const refunded = details({
      paymentDetails: {
        reservedAmount: 1000,
        capturedAmount: 800,
        amountRefunded: { fromCaptured: 300.40000000000003, fromCharge: 0 },
      },
    });
    const recorded = new Set([
      'RESERVED',
      'CAPTURED:CAP1',
      'CAPTURED:CAP2',
      'REFUNDED:captured@300.4',
    ]);

    expect(newMovements(refunded, recorded)).toEqual([]);
  });
});

describe('frontPaymentTime (Front Payment writes times two ways)', () => {
  it.each([
    ['21.01.2024 04:00', '2024-01-21T03:00:00.000Z'],
    ['21.07.2024 04:00', '2024-07-21T02:00:00.000Z'],
    ['21.07.2024 04:00:30', '2024-07-21T02:00:30.000Z'],
    [1705806000, '2024-01-21T03:00:00.000Z'],
    ['1705806000', '2024-01-21T03:00:00.000Z'],
  ])('reads %s (Oslo wall-clock time or unix seconds)', (input, expected) => {
    expect(frontPaymentTime(input)).toBe(expected);
  });

  it('gives null for text in neither form', () => {
    expect(frontPaymentTime('2024-01-21')).toBeNull();
  });
});
