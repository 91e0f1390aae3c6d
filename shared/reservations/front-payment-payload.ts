import type { CreateReservationRequest } from './reservation-schema.ts';

/** One product as Front Payment's example shows it: the tax rate is sent as a string ("0"). */
export interface FrontPaymentProduct {
  readonly name: string;
  readonly productId: string | null;
  readonly rate: number;
  readonly tax: string;
  readonly amount: number;
}

/**
 * The body of Front Payment's `POST /api/v1/connect/reservations/create`, in the shape of Front Payment's documented example:
 * products keyed by index, `null` where Front Payment's example shows null for an absent optional field, and
 * fields its example never shows as null (chargeValidity, settings, callback redirects) left out.
 */
export interface FrontPaymentCreateReservationPayload {
  readonly customerDetails: {
    readonly type: 'private' | 'corporate';
    readonly countryCode: string;
    readonly msisdn: string;
    readonly email: string;
    readonly name: string;
    readonly preferredLanguage: 'en' | 'no' | 'sv' | 'da' | 'de';
    readonly personalNumber: string | null;
    readonly organizationId: string | null;
    readonly address: {
      readonly street: string;
      readonly zip: string;
      readonly city: string;
      readonly country: string;
    };
  };
  readonly orderDate: string;
  readonly dueDateForPaymentLink: string;
  readonly referenceNo: string | null;
  /** Always our `reservationId`. */
  readonly customerReference: string;
  readonly sendOrderBy: { readonly sms: boolean; readonly email: boolean };
  readonly products: Readonly<Record<string, FrontPaymentProduct>>;
  readonly orderSummary: {
    readonly subTotal: number;
    readonly totalTax: number;
    readonly grandTotal: number;
  };
  readonly chargeValidity?: string;
  readonly customerNotes: string | null;
  readonly tnc: string | null;
  readonly submitPayment: { readonly via: 'visa' | 'mastercard' };
  readonly callback: {
    readonly callbackUrl: string;
    readonly success?: string;
    readonly failure?: string;
  };
  readonly settings?: {
    readonly secureDetails?: boolean;
    readonly isChargePartiallyRefundable?: boolean;
  };
}

/**
 * Builds what we send to Front Payment from a validated request. `callbackUrl` is always ours:
 * Front Payment reports every status change of the reservation to it. `customerReference` carries
 * our `reservationId` (the schema refuses a merchant's own): Front Payment stores it and shows it
 * in its details, so a session whose creation had an unknown outcome can be found by our id.
 */
export function toFrontPaymentPayload(
  request: CreateReservationRequest,
  callbackUrl: string,
  reservationId: string,
): FrontPaymentCreateReservationPayload {
  const { customerDetails: customer, callback, settings } = request;
  return {
    customerDetails: {
      type: customer.type,
      countryCode: customer.countryCode,
      msisdn: customer.msisdn,
      email: customer.email,
      name: customer.name,
      preferredLanguage: customer.preferredLanguage,
      personalNumber: customer.personalNumber,
      organizationId: customer.organizationId,
      address: { ...customer.address },
    },
    orderDate: request.orderDate,
    dueDateForPaymentLink: request.dueDateForPaymentLink,
    referenceNo: request.referenceNo,
    customerReference: reservationId,
    sendOrderBy: { ...request.sendOrderBy },
    products: Object.fromEntries(
      request.products.map((product, index) => [
        String(index),
        {
          name: product.name,
          productId: product.productId,
          rate: product.rate,
          tax: String(product.tax),
          amount: product.amount,
        },
      ]),
    ),
    orderSummary: { ...request.orderSummary },
    ...(request.chargeValidity !== null ? { chargeValidity: request.chargeValidity } : {}),
    customerNotes: request.customerNotes,
    tnc: request.tnc,
    submitPayment: { via: request.submitPayment.via },
    callback: {
      callbackUrl,
      ...(callback?.success ? { success: callback.success } : {}),
      ...(callback?.failure ? { failure: callback.failure } : {}),
    },
    ...(settings ? { settings: settingsOf(settings) } : {}),
  };
}

function settingsOf(
  settings: NonNullable<CreateReservationRequest['settings']>,
): NonNullable<FrontPaymentCreateReservationPayload['settings']> {
  return {
    ...(settings.secureDetails !== null ? { secureDetails: settings.secureDetails } : {}),
    ...(settings.isChargePartiallyRefundable !== null
      ? { isChargePartiallyRefundable: settings.isChargePartiallyRefundable }
      : {}),
  };
}
