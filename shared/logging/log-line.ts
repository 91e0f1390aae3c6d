/**
 * Log levels by name, numbered as Powertools numbers them: a line is written when its level is
 * at or above the set one.
 */
export const LOG_LEVELS = { DEBUG: 8, INFO: 12, WARN: 16, ERROR: 20, SILENT: 28 } as const;

/** The levels a line can have (`SILENT` only switches lines off). */
export type LineLevel = Exclude<keyof typeof LOG_LEVELS, 'SILENT'>;

/** `LOG_LEVEL`'s value as a threshold; unset or unknown is INFO. */
export function levelThreshold(name: string | undefined): number {
  const upper = name?.toUpperCase() ?? '';
  return Object.hasOwn(LOG_LEVELS, upper)
    ? LOG_LEVELS[upper as keyof typeof LOG_LEVELS]
    : LOG_LEVELS.INFO;
}

/**
 * An Error as a line shows it, in Powertools' shape: name, where it was thrown, message, stack,
 * cause, then its own fields (an AWS SDK error's `$metadata` and `$fault`).
 */
function errorFields(error: Error): Record<string, unknown> {
  const { name, message, stack, cause, ...own } = error as Error & Record<string, unknown>;
  return { name, location: locationOf(stack), message, stack, cause, ...own };
}

/** `file:line` of the first stack frame, named (`at f (file:1:2)`) or not (`at file:1:2`). */
function locationOf(stack: string | undefined): string {
  const frame = /^\s*at (?:.*? \()?(.+?):(\d+):\d+\)?$/m.exec(stack ?? '');
  return frame ? `${frame[1]}:${frame[2]}` : '';
}

/**
 * One log record as a JSON line. Errors, wherever they sit, are written with their fields;
 * bigints as strings; a value met again inside itself (a cycle) is left out, so logging never
 * throws.
 */
export function jsonLine(record: Record<string, unknown>): string {
  // The objects on the path from the record to the value being written, with what each was
  // before an Error became its fields: a cycle can run through either.
  const path: { readonly written: object; readonly original: object }[] = [];
  return JSON.stringify(record, function (this: unknown, _key, value: unknown) {
    if (typeof value === 'bigint') return value.toString();
    if (typeof value !== 'object' || value === null) return value;
    while (path.length > 0 && path.at(-1)?.written !== this) path.pop();
    if (path.some((step) => step.original === value || step.written === value)) return undefined;
    const written = value instanceof Error ? errorFields(value) : value;
    path.push({ written, original: value });
    return written;
  });
}
