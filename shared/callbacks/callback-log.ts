/**
 * Logged for a verified callback that names no reservation of ours; the `unmatched-callbacks`
 * alarm counts it (`infra/operations.ts`), so the words live in one place.
 */
export const UNMATCHED_CALLBACK_KEPT = 'Callback for an unknown reservation kept as unmatched';
