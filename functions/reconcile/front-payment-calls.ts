import type { FrontPaymentClient } from '#shared/front-payment/front-payment-client';
import type { RunBudget } from './run-budget.ts';

/** The two Front Payment reads the reconciler makes. */
export type FrontPaymentReader = Pick<
  FrontPaymentClient,
  'getReservationDetails' | 'getReservationHistory'
>;

/** A call's result, or why there is none: no budget left, or Front Payment failed. */
export type CallResult<T> =
  | { readonly kind: 'ok'; readonly value: T }
  | { readonly kind: 'no-budget' }
  | { readonly kind: 'failed'; readonly error: unknown };

/**
 * Makes one Front Payment call within the run's budget: taken from the call budget, its timeout
 * cut to the time left, and its failure reported to the budget (which stops on 429).
 */
export async function budgetedCall<T>(
  budget: RunBudget,
  call: (options: { readonly timeoutMs: number }) => Promise<T>,
): Promise<CallResult<T>> {
  if (!budget.takeCall()) return { kind: 'no-budget' };
  const timeoutMs = budget.remainingMs;
  if (timeoutMs <= 0) return { kind: 'no-budget' };
  try {
    const value = await call({ timeoutMs });
    budget.succeeded();
    return { kind: 'ok', value };
  } catch (error) {
    budget.failed(error);
    return { kind: 'failed', error };
  }
}
