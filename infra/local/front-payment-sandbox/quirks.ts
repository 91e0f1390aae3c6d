import type { SandboxQuirks } from './types.ts';

export const DEFAULT_QUIRKS: SandboxQuirks = {
  perChangeAmounts: false,
  misspellReserved: false,
  duplicateCallbacks: false,
  reverseCallbackOrder: false,
  dropCallbacks: false,
  statusCase: 'upper',
  validationErrorStyle: 'keyed',
};

/** The status word as Front Payment would write it under these quirks. */
export function statusWord(
  status: string,
  quirks: SandboxQuirks,
  context: 'callback' | 'details',
): string {
  // The docs' typo is a callback value; the details answer is spelled right.
  const spelled =
    context === 'callback' && status === 'RESERVED' && quirks.misspellReserved
      ? 'RESEVRED'
      : status;
  return quirks.statusCase === 'capitalized'
    ? spelled.charAt(0) + spelled.slice(1).toLowerCase()
    : spelled;
}

/** Card method as the callback's `paymentMethod` writes it. */
export function paymentMethodLabel(method: 'visa' | 'mastercard'): string {
  return method === 'visa' ? 'Visa' : 'Mastercard';
}
