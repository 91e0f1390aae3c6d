/**
 * WARN: a command may have reached Front Payment but its answer was lost, its acceptance could not
 * be recorded, or its Lambda stopped after sending. It is never resent; the details and history
 * settle it (docs/commands.md). The operations construct counts this message for its alarm.
 */
export const COMMAND_OUTCOME_UNKNOWN = 'command outcome unknown';

/**
 * WARN: Front Payment's records could settle a command of unknown outcome only by a guess (one
 * payment, several commands that could be it, or the reverse): it is left unknown. Alarmed.
 */
export const COMMAND_OUTCOME_AMBIGUOUS = 'command outcome ambiguous';

/**
 * WARN: a command's outcome could not be learnt within the grace period (ambiguous, or a resend,
 * which leaves no trace): it stays OUTCOME_UNKNOWN and is no longer watched. An operator decides.
 */
export const COMMAND_OUTCOME_UNRESOLVED = 'command outcome unresolved';
