/**
 * WARN from the reservation commands function: a command may have reached Front Payment but its
 * answer was lost. It is never resent; an operator (or the reconciler) settles it from the details.
 * The operations construct counts this message for its alarm.
 */
export const COMMAND_OUTCOME_UNKNOWN = 'command outcome unknown';
