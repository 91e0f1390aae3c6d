/**
 * Front Payment writes amounts in kroner with at most two decimals, as binary floats, so
 * `300.4` and `300.40000000000003` are the same amount. Every comparison and sum is done in
 * whole øre (cents) and turned back into kroner only for display and for Front Payment.
 */
export function toCents(amount: number): number {
  return Math.round(amount * 100);
}

export function fromCents(cents: number): number {
  return cents / 100;
}

/** The sum of amounts in kroner, exact to the øre. */
export function sumAmounts(amounts: readonly number[]): number {
  return fromCents(amounts.reduce((total, amount) => total + toCents(amount), 0));
}
