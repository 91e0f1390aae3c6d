import { renderCheckoutPage, renderResultPage } from './checkout-page.ts';
import { redirectSeeOther, sendHtml } from './http-io.ts';
import { matchRoute, type Route } from './router.ts';
import { bodyText, type SandboxContext, type SandboxRequest } from './sandbox-context.ts';
import { SandboxRefusalError, SandboxReservationNotFoundError } from './sandbox-errors.ts';
import { declineReservation, payReservation } from './sandbox-operations.ts';
import type { CardMethod, SandboxReservation } from './types.ts';

interface CheckoutCall {
  readonly context: SandboxContext;
  readonly request: SandboxRequest;
}

const ROUTES: readonly Route<CheckoutCall>[] = [
  { methods: ['GET'], pattern: /^\/checkout\/([^/]+)$/, handle: showCheckout },
  { methods: ['POST'], pattern: /^\/checkout\/([^/]+)\/pay$/, handle: pay },
  { methods: ['POST'], pattern: /^\/checkout\/([^/]+)\/decline$/, handle: decline },
  { methods: ['GET'], pattern: /^\/checkout\/([^/]+)\/paid$/, handle: showPaid },
  { methods: ['GET'], pattern: /^\/checkout\/([^/]+)\/declined$/, handle: showDeclined },
];

/** The hosted payment page a customer reaches through `paymentUrl`. */
export async function handleCheckout(
  context: SandboxContext,
  request: SandboxRequest,
): Promise<void> {
  const match = matchRoute(ROUTES, request.method, request.pathname);
  if (match.kind !== 'found') {
    return sendHtml(
      request.response,
      match.kind === 'not-found' ? 404 : 405,
      renderResultPage({
        title: 'Not found',
        heading: 'Page not found',
        message: 'There is no such checkout page.',
        testId: 'not-found',
      }),
    );
  }
  try {
    await match.route.handle({ context, request }, match.parameters);
  } catch (error) {
    if (error instanceof SandboxReservationNotFoundError) return unknownReservation(request);
    if (error instanceof SandboxRefusalError) {
      return sendHtml(
        request.response,
        409,
        renderResultPage({
          title: 'Payment refused',
          heading: refusalHeading(error.code),
          message: error.message,
          reservationUuid: match.parameters[0] ?? '',
          testId: 'refused',
        }),
      );
    }
    throw error;
  }
}

async function showCheckout({ context, request }: CheckoutCall, [uuid = '']: readonly string[]) {
  const reservation = context.store.find(uuid);
  if (!reservation) return unknownReservation(request);
  if (reservation.status === 'SENT' || reservation.status === 'DECLINED') {
    return sendHtml(request.response, 200, renderCheckoutPage(reservation));
  }
  sendHtml(
    request.response,
    200,
    renderResultPage({
      title: `Checkout ${uuid}`,
      heading: reservation.status === 'CANCELLED' ? 'Reservation cancelled' : 'Already paid',
      message: `This reservation is ${reservation.status.toLowerCase()}; there is nothing to pay.`,
      reservationUuid: uuid,
      testId: 'not-payable',
    }),
  );
}

async function pay({ context, request }: CheckoutCall, [uuid = '']: readonly string[]) {
  const method = new URLSearchParams(bodyText(request)).get('method');
  if (method !== 'visa' && method !== 'mastercard') {
    return sendHtml(
      request.response,
      400,
      renderResultPage({
        title: 'Choose a card',
        heading: 'Choose a card',
        message: 'Pick Visa or Mastercard, then pay.',
        reservationUuid: uuid,
        testId: 'invalid-method',
      }),
    );
  }
  // Front Payment notifies before the browser returns, so the merchant knows on landing.
  await payReservation(context, uuid, method satisfies CardMethod);
  const reservation = context.store.find(uuid) as SandboxReservation;
  redirectSeeOther(request.response, reservation.successUrl ?? `/checkout/${uuid}/paid`);
}

async function decline({ context, request }: CheckoutCall, [uuid = '']: readonly string[]) {
  declineReservation(context, uuid);
  const reservation = context.store.find(uuid) as SandboxReservation;
  redirectSeeOther(request.response, reservation.failureUrl ?? `/checkout/${uuid}/declined`);
}

async function showPaid({ request }: CheckoutCall, [uuid = '']: readonly string[]) {
  sendHtml(
    request.response,
    200,
    renderResultPage({
      title: `Paid ${uuid}`,
      heading: 'Payment reserved',
      message: 'The amount is reserved on your card. You can close this page.',
      reservationUuid: uuid,
      testId: 'paid',
    }),
  );
}

async function showDeclined({ request }: CheckoutCall, [uuid = '']: readonly string[]) {
  sendHtml(
    request.response,
    200,
    renderResultPage({
      title: `Declined ${uuid}`,
      heading: 'Payment declined',
      message: 'Nothing was charged. You can close this page.',
      reservationUuid: uuid,
      testId: 'declined',
    }),
  );
}

function unknownReservation(request: SandboxRequest): void {
  sendHtml(
    request.response,
    404,
    renderResultPage({
      title: 'Unknown reservation',
      heading: 'Unknown reservation',
      message: 'This payment link does not belong to any reservation.',
      testId: 'not-found',
    }),
  );
}

function refusalHeading(code: string): string {
  if (code === 'reservationAlreadyPaid') return 'Already paid';
  if (code === 'reservationStatusAlreadyCancelled') return 'Reservation cancelled';
  return 'Payment refused';
}
