import { array, inList, numeric, type RuleSet, required, string } from './laravel-rules.ts';

/** `reservations/capture/{uuid}`: `{products: {"0": {id, amount}}, grandTotal, additionalText}`. */
export const CAPTURE_RULES: RuleSet = [
  ['products', [required(), array()]],
  ['products.*.id', [required(), numeric()]],
  ['products.*.amount', [required(), numeric()]],
  ['grandTotal', [required(), numeric()]],
  ['additionalText', [string()]],
];

/** `reservations/charge/{uuid}`: new product lines `{name, rate, tax, amount}` and a grandTotal. */
export function chargeRules(allowedTaxRates: readonly number[]): RuleSet {
  return [
    ['products', [required(), array()]],
    ['products.*.name', [required(), string()]],
    ['products.*.rate', [required(), numeric()]],
    ['products.*.tax', [required(), numeric(), inList(allowedTaxRates)]],
    ['products.*.amount', [required(), numeric()]],
    ['grandTotal', [required(), numeric()]],
    ['additionalText', [string()]],
  ];
}

/** `reservations/refund/{uuid}`: which payment (source and CAP…/CHA… reference) and how much. */
export const REFUND_RULES: RuleSet = [
  ['type', [required(), string(), inList(['reservation'])]],
  ['grandTotal', [required(), numeric()]],
  ['products', [required(), array()]],
  ['products.*.id', [required(), numeric()]],
  ['products.*.amount', [required(), numeric()]],
  ['source', [required(), string(), inList(['captured', 'charged'])]],
  ['reference', [required(), string()]],
];

/** `reservations/cancel/{uuid}`: an optional `note`. */
export const CANCEL_RULES: RuleSet = [['note', [string()]]];

/** `reservations/complete/{uuid}`: `{note}`, required. */
export const COMPLETE_RULES: RuleSet = [['note', [required(), string()]]];
