import { dataGet } from './laravel-rules.ts';
import { statusWord } from './quirks.ts';
import type { SandboxMovement, SandboxQuirks, SandboxReservation } from './types.ts';

/**
 * The `data` of `GET reservations/details/{uuid}` in Front Payment's documented shape: product
 * lines with their ids, cumulative `paymentDetails`, `paymentHistory` with one entry per capture
 * and charge (its CAP…/CHA… id as `reference`), and `customerDetails` with the personal data the
 * create payload carried, which a client must never keep. Refunds are not itemised, only summed in
 * `amountRefunded`. Times are written both ways Front Payment does: unix seconds and Norwegian
 * wall-clock text without a zone (`21.01.2024 04:00`).
 */
export function reservationDetails(reservation: SandboxReservation, quirks: SandboxQuirks) {
  const movements = (kind: SandboxMovement['kind']) =>
    reservation.movements
      .filter((movement) => movement.kind === kind)
      .map((movement) => ({
        at: osloWallClock(movement.at),
        amount: movement.amount,
        reference: movement.reference,
        isRefunded: movement.refundedAt !== undefined,
        refundedAt: movement.refundedAt === undefined ? null : osloWallClock(movement.refundedAt),
      }));
  const reservedAt = reservation.reservedAt;
  return {
    reservationUuid: reservation.reservationUuid,
    status: statusWord(reservation.status, quirks, 'details'),
    isPaid: reservation.isPaid,
    productList: reservation.products.map((product) => ({
      id: product.id,
      name: product.name,
      productId: product.productId,
      quantity: 1,
      rate: product.rate,
      discount: 0,
      tax: product.tax,
      amount: product.amount,
      // Per line, under the names Front Payment's details document.
      reservedAmount: reservation.reservedAt === undefined ? 0 : product.amount,
      capturedAmount: product.capturedAmount ?? 0,
    })),
    grandTotal: reservation.grandTotal,
    reservationDate: osloWallClock(reservation.createdAt),
    paymentLinkDueDate:
      reservation.paymentLinkDueAt === null ? null : osloWallClock(reservation.paymentLinkDueAt),
    sendOrderBy: { sms: false, email: true },
    customerDetails: customerDetailsOf(reservation.payload),
    referenceNumber: reservation.referenceNo,
    chargeValidity: reservation.chargeValidity,
    customerReference: reservation.customerReference,
    customerNotes: null,
    termsAndCondition: null,
    paymentDetails: {
      reservedAt: reservedAt === undefined ? null : unixSeconds(reservedAt),
      reservedAmount: reservation.reservedAmount,
      capturedAmount: reservation.capturedAmount,
      chargedAmount: reservation.chargedAmount,
      amountRefunded: {
        fromCaptured: reservation.refundedFromCaptured,
        fromCharge: reservation.refundedFromCharge,
      },
    },
    organizationDetails: { name: 'Sandbox Merchant AS' },
    translationKey: 'reservation',
    paymentHistory: {
      reserved:
        reservedAt === undefined
          ? []
          : [{ at: unixSeconds(reservedAt), amount: reservation.reservedAmount }],
      captured: movements('captured'),
      charged: movements('charged'),
    },
  };
}

/** The create payload's customer, as Front Payment echoes it (personal data). */
function customerDetailsOf(payload: unknown) {
  return {
    countryCode: dataGet(payload, 'customerDetails.countryCode') ?? null,
    msisdn: dataGet(payload, 'customerDetails.msisdn') ?? null,
    email: dataGet(payload, 'customerDetails.email') ?? null,
    name: dataGet(payload, 'customerDetails.name') ?? null,
    address: {
      street: dataGet(payload, 'customerDetails.address.street') ?? null,
      zip: dataGet(payload, 'customerDetails.address.zip') ?? null,
      city: dataGet(payload, 'customerDetails.address.city') ?? null,
      country: dataGet(payload, 'customerDetails.address.country') ?? null,
    },
  };
}

function unixSeconds(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}

const OSLO_PARTS = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Oslo',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/**
 * `21.01.2024 04:00`: Norwegian local time, minutes only, no zone, as Front Payment writes it.
 * Written here on its own, not with our parser's code, so a mistake in one shows in the tests.
 */
export function osloWallClock(iso: string): string {
  const parts = Object.fromEntries(
    OSLO_PARTS.formatToParts(new Date(iso)).map((part) => [part.type, part.value]),
  );
  return `${parts.day}.${parts.month}.${parts.year} ${parts.hour}:${parts.minute}`;
}
