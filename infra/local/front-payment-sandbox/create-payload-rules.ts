import { isIsoAlpha2Country } from './iso-alpha2-countries.ts';
import {
  array,
  boolean,
  custom,
  digits,
  email,
  type FieldErrors,
  inList,
  isRecord,
  nowOrLater,
  numeric,
  type RuleSet,
  regex,
  required,
  requiredIf,
  string,
  unixTimestamp,
  url,
  validate,
} from './laravel-rules.ts';

export const DEFAULT_TAX_RATES: readonly number[] = [0, 12, 15, 25];

/** A due date up to this much in the past still counts as "now" (clock skew, transit). */
const DUE_DATE_GRACE_SECONDS = 60;

/** Front Payment documents a JSON object keyed "0", "1", …; a JSON list is the wrong form. */
const keyedByPosition = custom(
  (value) => isRecord(value) && Object.keys(value).every((key) => /^\d+$/.test(key)),
  'The :attribute must be an object keyed by position ("0", "1", …).',
);

/**
 * The rules of Front Payment's "Validation Rules" table for `reservations/create` (see
 * docs/front-payment.md), row by row and in the table's order (which is the order of the error
 * bag). Only rows of the table: a parent the table does not list (`customerDetails`,
 * `orderSummary`) gets no rule of its own.
 */
export function createReservationRules(allowedTaxRates: readonly number[]): RuleSet {
  return [
    ['customerDetails.type', [required(), string(), inList(['private', 'corporate'])]],
    ['customerDetails.countryCode', [required(), string()]],
    ['customerDetails.msisdn', [required(), string()]],
    ['customerDetails.email', [required(), email()]],
    ['customerDetails.name', [required(), string()]],
    // "Required … If nothing is given it will set default to no": absent is accepted.
    ['customerDetails.preferredLanguage', [string(), inList(['en', 'no', 'sv', 'da', 'de'])]],
    ['customerDetails.personalNumber', [string(), digits(11)]],
    [
      'customerDetails.organizationId',
      [requiredIf('customerDetails.type', 'corporate'), string(), regex(/^\d+$/)],
    ],
    ['customerDetails.address', [required(), array()]],
    ['customerDetails.address.street', [required(), string()]],
    ['customerDetails.address.zip', [required(), string()]],
    ['customerDetails.address.city', [required(), string()]],
    [
      'customerDetails.address.country',
      [
        required(),
        custom(isIsoAlpha2Country, 'The :attribute must be a valid ISO alpha-2 country code.'),
      ],
    ],
    ['orderDate', [required(), unixTimestamp()]],
    ['dueDateForPaymentLink', [required(), unixTimestamp(), nowOrLater(DUE_DATE_GRACE_SECONDS)]],
    ['referenceNo', [string()]],
    ['customerReference', [string()]],
    ['sendOrderBy', [required(), array()]],
    ['sendOrderBy.sms', [required(), boolean()]],
    ['sendOrderBy.email', [required(), boolean()]],
    ['products', [required(), array(), keyedByPosition]],
    ['products.*.name', [required(), string()]],
    ['products.*.productId', [string()]],
    ['products.*.rate', [required(), numeric()]],
    ['products.*.tax', [required(), numeric(), inList(allowedTaxRates)]],
    ['products.*.amount', [required(), numeric()]],
    ['orderSummary.subTotal', [required(), numeric()]],
    ['orderSummary.totalTax', [required(), numeric()]],
    ['orderSummary.grandTotal', [required(), numeric()]],
    ['customerNotes', [string()]],
    ['tnc', [string()]],
    ['chargeValidity', [string(), regex(/^\d+$/)]],
    ['submitPayment', [required(), array()]],
    ['submitPayment.via', [required(), string(), inList(['visa', 'mastercard'])]],
    ['callback', [array()]],
    ['callback.callbackUrl', [url()]],
    ['callback.success', [url()]],
    ['callback.failure', [url()]],
    ['settings', [array()]],
    ['settings.secureDetails', [boolean()]],
    ['settings.isChargePartiallyRefundable', [boolean()]],
  ];
}

export function validateCreatePayload(
  payload: unknown,
  allowedTaxRates: readonly number[],
  nowSeconds: number,
): FieldErrors {
  return validate(payload, createReservationRules(allowedTaxRates), nowSeconds);
}
