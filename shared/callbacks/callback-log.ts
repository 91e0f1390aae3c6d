/*
 * Log lines the alarms count (`infra/operations.ts`), so the words live in one place.
 */

/** A verified callback that names no reservation of ours (it stays kept, unconfirmed). */
export const UNMATCHED_CALLBACK_KEPT = 'Callback for an unknown reservation kept as unmatched';

/**
 * A callback whose checksum verifies but whose status word or parameters we do not know: kept
 * raw and confirmed through Front Payment's details like any other; the alarm fires at the first.
 */
export const SIGNED_CALLBACK_NOT_UNDERSTOOD = 'Signed callback not understood; kept raw';

/**
 * A kept callback whose changes could not be confirmed with Front Payment this time; the sweeper
 * tries again with backoff. The alarm reads `CALLBACK_AGE_FIELD`, so it fires only for a callback
 * that stays unconfirmed longer than its threshold, not for a blip.
 */
export const CALLBACK_NOT_CONFIRMED = 'Kept callback not confirmed yet';
export const CALLBACK_AGE_FIELD = 'callbackAgeSeconds';

/**
 * A signed callback named a session Front Payment made for our reservation (its details carry
 * our id as `customerReference`) that our record lacked, because the create's outcome was
 * unknown or settled as failed: the session was recorded on the reservation. The alarm fires at
 * the first: the merchant's answer for that create said no session (or nothing) at the time.
 */
export const ORPHAN_SESSION_ADOPTED = 'Orphan session adopted from a signed callback';

/**
 * ERROR from the sweeper: a kept callback named no reservation of ours for its last try
 * (`MAX_UNMATCHED_TRIES`); it stays kept, set aside, for an operator. The alarm fires at the first.
 */
export const UNMATCHED_CALLBACK_SET_ASIDE = 'Unmatched callback set aside after its last try';
