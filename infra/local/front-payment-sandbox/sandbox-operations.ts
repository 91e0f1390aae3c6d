import type { SandboxContext } from './sandbox-context.ts';
import type { CardMethod } from './types.ts';

/**
 * The state changes a person or a merchant makes, shared by the checkout page, the control API
 * and the programmatic API. Each resolves after its callback request completed (or was held).
 */
export async function payReservation(
  context: SandboxContext,
  reservationUuid: string,
  method: CardMethod,
): Promise<void> {
  const change = context.store.pay(reservationUuid, method, new Date());
  await context.callbacks.notify(change);
}

/** A declined card: no callback, the customer may try again. */
export function declineReservation(context: SandboxContext, reservationUuid: string): void {
  context.store.decline(reservationUuid, new Date());
}

export async function captureReservation(
  context: SandboxContext,
  reservationUuid: string,
  amount: number,
): Promise<void> {
  const change = context.store.capture(reservationUuid, amount, new Date());
  await context.callbacks.notify(change);
}

export async function chargeReservation(
  context: SandboxContext,
  reservationUuid: string,
  amount: number,
): Promise<void> {
  const change = context.store.charge(reservationUuid, amount, new Date());
  await context.callbacks.notify(change);
}
