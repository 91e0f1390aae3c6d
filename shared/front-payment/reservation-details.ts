import * as v from 'valibot';
import type { HistoryRefund } from './history-refunds.ts';

/**
 * Front Payment writes some times as text without a zone (`21.01.2024 04:00`). It is a Norwegian
 * company and its dashboard shows Norwegian time, so such text is read as wall-clock time here.
 */
export const FRONT_PAYMENT_TIME_ZONE = 'Europe/Oslo';

/** A number, or a numeric string (Front Payment writes amounts both ways). */
const AmountSchema = v.pipe(
  v.union([v.number(), v.pipe(v.string(), v.trim(), v.regex(/^-?\d+(\.\d+)?$/))]),
  v.transform(Number),
  v.minValue(0),
);
const OptionalAmountSchema = v.optional(v.nullable(AmountSchema), 0);

/** Unix seconds (number or digits) or `dd.mm.yyyy hh:mm` Oslo time; null when absent. */
const TimeSchema = v.pipe(
  v.optional(v.nullable(v.union([v.number(), v.string()])), null),
  v.transform((value) => (value === null ? null : frontPaymentTime(value))),
);

/** One capture or charge; `reference` is its CAP…/CHA… id when Front Payment gives one. */
const PaymentEntrySchema = v.pipe(
  v.looseObject({
    at: TimeSchema,
    amount: AmountSchema,
    reference: v.optional(v.nullable(v.string()), null),
  }),
  v.transform(({ at, amount, reference }) => ({
    at,
    amount,
    reference: reference?.trim() ? reference.trim() : null,
  })),
);
const PaymentEntriesSchema = v.pipe(
  v.optional(v.nullable(v.array(PaymentEntrySchema)), null),
  v.transform((entries) => entries ?? []),
);

/**
 * The part of `GET reservations/details/{uuid}` we keep. Everything else, `customerDetails` (the
 * customer's personal data) above all, is dropped here at the boundary and never reaches our
 * table, logs or events. Unknown fields are tolerated: Front Payment may add some.
 */
export const ReservationDetailsSchema = v.pipe(
  v.looseObject({
    reservationUuid: v.pipe(v.string(), v.nonEmpty()),
    status: v.pipe(v.string(), v.nonEmpty()),
    grandTotal: OptionalAmountSchema,
    productList: v.optional(
      v.nullable(
        v.array(
          v.looseObject({
            id: v.union([v.number(), v.string()]),
            amount: AmountSchema,
            // Per line: what is reserved and captured (absent in some answers: null).
            reservedAmount: v.optional(v.nullable(AmountSchema), null),
            capturedAmount: v.optional(v.nullable(AmountSchema), null),
          }),
        ),
      ),
      null,
    ),
    reservationDate: TimeSchema,
    isPaid: v.optional(v.nullable(v.union([v.boolean(), v.string(), v.number()])), null),
    paymentLinkDueDate: TimeSchema,
    // Minutes, as sent with the create (digits); absent when none was given.
    chargeValidity: v.optional(v.nullable(v.union([v.string(), v.number()])), null),
    // Our reservation id, sent with the create: how the reconciler finds a session of ours.
    customerReference: v.optional(v.nullable(v.string()), null),
    paymentDetails: v.optional(
      v.nullable(
        v.looseObject({
          reservedAt: TimeSchema,
          reservedAmount: OptionalAmountSchema,
          capturedAmount: OptionalAmountSchema,
          chargedAmount: OptionalAmountSchema,
          amountRefunded: v.optional(
            v.nullable(
              v.looseObject({
                fromCaptured: OptionalAmountSchema,
                fromCharge: OptionalAmountSchema,
              }),
            ),
            null,
          ),
        }),
      ),
      null,
    ),
    paymentHistory: v.optional(
      v.nullable(
        v.looseObject({
          reserved: PaymentEntriesSchema,
          captured: PaymentEntriesSchema,
          charged: PaymentEntriesSchema,
        }),
      ),
      null,
    ),
  }),
  v.transform((data) => ({
    reservationUuid: data.reservationUuid,
    status: data.status,
    grandTotal: data.grandTotal,
    // Front Payment's product line ids: capture and refund name the lines they take money from.
    products: (data.productList ?? []).map(({ id, amount, reservedAmount, capturedAmount }) => ({
      id,
      amount,
      reserved: reservedAmount,
      captured: capturedAmount,
    })),
    orderCreatedAt: data.reservationDate,
    isPaid: data.isPaid === true || data.isPaid === 'true' || data.isPaid === 1,
    paymentLinkDueDate: data.paymentLinkDueDate,
    chargeValidityMinutes: minutesOf(data.chargeValidity),
    customerReference: data.customerReference ?? null,
    reservedAt: data.paymentDetails?.reservedAt ?? data.paymentHistory?.reserved[0]?.at ?? null,
    reservedAmount: data.paymentDetails?.reservedAmount ?? 0,
    capturedAmount: data.paymentDetails?.capturedAmount ?? 0,
    chargedAmount: data.paymentDetails?.chargedAmount ?? 0,
    refundedFromCaptured: data.paymentDetails?.amountRefunded?.fromCaptured ?? 0,
    refundedFromCharge: data.paymentDetails?.amountRefunded?.fromCharge ?? 0,
    captures: data.paymentHistory?.captured ?? [],
    charges: data.paymentHistory?.charged ?? [],
    // The details only sum refunds; the client itemises them from the history (null: not read).
    refunds: null as readonly HistoryRefund[] | null,
  })),
);
export type ReservationDetails = v.InferOutput<typeof ReservationDetailsSchema>;
export type PaymentEntry = ReservationDetails['captures'][number];

function minutesOf(value: string | number | null): number | null {
  const minutes = Number(value);
  return value === null || value === '' || !Number.isFinite(minutes) || minutes <= 0
    ? null
    : minutes;
}

/**
 * An ISO timestamp from Front Payment's time: unix seconds, or `dd.mm.yyyy hh:mm[:ss]` read as
 * `FRONT_PAYMENT_TIME_ZONE` wall-clock time. Null for text in neither form, and for text that
 * names no real moment (`31.02.2024 10:00`, `24:00`).
 */
export function frontPaymentTime(value: number | string): string | null {
  const text = String(value).trim();
  if (/^\d{9,10}$/.test(text)) return new Date(Number(text) * 1000).toISOString();
  const match = /^(\d{2})\.(\d{2})\.(\d{4}) (\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  if (!match) return null;
  const [day = 0, month = 0, year = 0, hour = 0, minute = 0, second = 0] = match
    .slice(1)
    .map((part) => Number(part ?? 0));
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls 31.02 over into March and 24:00 into the next day: such text names no real
  // moment, so it is refused rather than read as another one.
  if (!namesRealMoment(asUtc, [year, month, day, hour, minute, second])) return null;
  // The zone's offset at that moment (twice, so a time right after a DST switch settles).
  let instant = asUtc - zoneOffsetMs(asUtc);
  instant = asUtc - zoneOffsetMs(instant);
  return Number.isNaN(instant) ? null : new Date(instant).toISOString();
}

/** True when every field survived `Date.UTC` unchanged (none was out of range). */
function namesRealMoment(asUtc: number, fields: readonly number[]): boolean {
  const date = new Date(asUtc);
  const read = [
    date.getUTCFullYear(),
    date.getUTCMonth() + 1,
    date.getUTCDate(),
    date.getUTCHours(),
    date.getUTCMinutes(),
    date.getUTCSeconds(),
  ];
  return read.every((value, index) => value === fields[index]);
}

// Built on first use, not at import: the first time-zone formatter loads ICU's zone data, about
// 20 ms and 8 MiB that a cold start pays only when it reads Front Payment's local times.
let zoneParts: Intl.DateTimeFormat | undefined;
const zonePartsFormat = () =>
  (zoneParts ??= new Intl.DateTimeFormat('en-GB', {
    timeZone: FRONT_PAYMENT_TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }));

/** How far the zone's wall clock is ahead of UTC at `instant`. */
function zoneOffsetMs(instant: number): number {
  const parts = Object.fromEntries(
    zonePartsFormat()
      .formatToParts(new Date(instant))
      .map((part) => [part.type, Number(part.value)]),
  );
  const wallClock = Date.UTC(
    parts.year ?? 0,
    (parts.month ?? 1) - 1,
    parts.day,
    parts.hour,
    parts.minute,
    parts.second,
  );
  return wallClock - Math.floor(instant / 1000) * 1000;
}
