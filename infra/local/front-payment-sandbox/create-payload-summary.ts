import { dataGet, isRecord } from './laravel-rules.ts';
import type { CardMethod } from './types.ts';

/** What the sandbox keeps from a create payload that passed validation. */
export interface CreatePayloadSummary {
  readonly products: readonly {
    readonly name: string;
    readonly productId: string | null;
    readonly rate: number;
    readonly tax: number;
    readonly amount: number;
  }[];
  readonly subTotal: number;
  readonly totalTax: number;
  readonly grandTotal: number;
  readonly preselectedMethod: CardMethod;
  readonly chargeValidity: string | null;
  readonly referenceNo: string | null;
  readonly customerReference: string | null;
  readonly callbackUrl: string | undefined;
  readonly successUrl: string | undefined;
  readonly failureUrl: string | undefined;
}

/** Reads a payload `validateCreatePayload` accepted; amounts may arrive as numeric strings. */
export function summariseCreatePayload(payload: unknown): CreatePayloadSummary {
  const products = dataGet(payload, 'products');
  const lines = isRecord(products)
    ? Object.entries(products)
        .sort(([left], [right]) => Number(left) - Number(right))
        .map(([, line]) => line)
    : [];
  return {
    products: lines.map((line) => ({
      name: String(dataGet(line, 'name')).trim(),
      productId: optionalText(dataGet(line, 'productId')) ?? null,
      rate: Number(dataGet(line, 'rate')),
      tax: Number(dataGet(line, 'tax')),
      amount: Number(dataGet(line, 'amount')),
    })),
    subTotal: Number(dataGet(payload, 'orderSummary.subTotal')),
    totalTax: Number(dataGet(payload, 'orderSummary.totalTax')),
    grandTotal: Number(dataGet(payload, 'orderSummary.grandTotal')),
    preselectedMethod: String(dataGet(payload, 'submitPayment.via')).trim() as CardMethod,
    chargeValidity: optionalText(dataGet(payload, 'chargeValidity')) ?? null,
    referenceNo: optionalText(dataGet(payload, 'referenceNo')) ?? null,
    customerReference: optionalText(dataGet(payload, 'customerReference')) ?? null,
    callbackUrl: optionalText(dataGet(payload, 'callback.callbackUrl')),
    successUrl: optionalText(dataGet(payload, 'callback.success')),
    failureUrl: optionalText(dataGet(payload, 'callback.failure')),
  };
}

function optionalText(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}
