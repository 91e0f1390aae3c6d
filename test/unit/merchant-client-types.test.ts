import { describe, expectTypeOf, it } from 'vitest';
import type {
  FoundReservations,
  MerchantClient,
  ReservationSummary,
} from '../../shared/client/index.ts';

// Type-level tests: `tsc --noEmit` (`npm run check`) fails when one of these stops holding. The
// API refuses an amount written as a string (`"100"`); the client's types refuse it first.

type BodyOf<TCommand extends 'capture' | 'charge' | 'refund'> = Parameters<
  MerchantClient[TCommand]
>[1];

const product = { name: 'Late checkout', productId: 'LATE', rate: 400, tax: 25, amount: 500 };

describe('command bodies take amounts as numbers only', () => {
  it('capture: an amount, or lines with amounts', () => {
    expectTypeOf({ amount: 100 }).toExtend<BodyOf<'capture'>>();
    expectTypeOf({ lines: [{ index: 0, amount: 100 }] }).toExtend<BodyOf<'capture'>>();
    expectTypeOf({ amount: '100' }).not.toExtend<BodyOf<'capture'>>();
    expectTypeOf({ lines: [{ index: 0, amount: '100' }] }).not.toExtend<BodyOf<'capture'>>();
  });

  it("charge: the products' numbers and the grand total", () => {
    expectTypeOf({ products: [product], grandTotal: 500 }).toExtend<BodyOf<'charge'>>();
    expectTypeOf({ products: { '0': product }, grandTotal: 500 }).toExtend<BodyOf<'charge'>>();
    expectTypeOf({ products: [product], grandTotal: '500' }).not.toExtend<BodyOf<'charge'>>();
    const { rate, tax, amount, ...named } = product;
    const charged = { grandTotal: 500 };
    const stringRate = { ...charged, products: [{ ...named, rate: '400', tax, amount }] };
    const stringTax = { ...charged, products: [{ ...named, rate, tax: '25', amount }] };
    const stringAmount = { ...charged, products: [{ ...named, rate, tax, amount: '500' }] };
    expectTypeOf(stringRate).not.toExtend<BodyOf<'charge'>>();
    expectTypeOf(stringTax).not.toExtend<BodyOf<'charge'>>();
    expectTypeOf(stringAmount).not.toExtend<BodyOf<'charge'>>();
  });

  it('refund: an amount, or lines with amounts', () => {
    expectTypeOf({ amount: 200, source: 'captured' as const }).toExtend<BodyOf<'refund'>>();
    expectTypeOf({ amount: '200' }).not.toExtend<BodyOf<'refund'>>();
    expectTypeOf({ lines: [{ productId: 'ROOM', amount: '200' }] }).not.toExtend<
      BodyOf<'refund'>
    >();
  });

  it('is what a call compiles with', () => {
    const calls = (merchant: MerchantClient) => [
      merchant.capture('reservation-id', { amount: 100 }),
      // @ts-expect-error a string amount does not compile
      merchant.capture('reservation-id', { amount: '100' }),
      merchant.charge('reservation-id', {
        // @ts-expect-error nor does one in a charged product
        products: [{ ...product, amount: '500' }],
        grandTotal: 500,
      }),
    ];
    expectTypeOf(calls).returns.items.toBeObject();
  });
});

describe('lookups', () => {
  it("answer with the lookup schemas' types", () => {
    expectTypeOf<
      MerchantClient['listRecent']
    >().returns.resolves.toEqualTypeOf<FoundReservations>();
    expectTypeOf<
      MerchantClient['findByReservationUuid']
    >().returns.resolves.toEqualTypeOf<ReservationSummary | null>();
    expectTypeOf<MerchantClient['recentReservations']>().returns.toExtend<
      AsyncIterable<ReservationSummary>
    >();
  });

  it('take a page size as a number and a time as text or a Date', () => {
    type RecentQuery = Parameters<MerchantClient['listRecent']>[0];
    expectTypeOf({ limit: 20, createdAfter: new Date() }).toExtend<RecentQuery>();
    expectTypeOf({ createdBefore: '2026-12-04T10:00:00Z', cursor: null }).toExtend<RecentQuery>();
    expectTypeOf({ limit: '20' }).not.toExtend<RecentQuery>();
  });
});
