/**
 * EventBridge event pattern matching for the subset the product's rules use: exact values in
 * lists (`source`, `detail-type`, `detail.status`), nested `detail` fields, and the `prefix` and
 * `exists` operators. Any other operator (`numeric`, `anything-but`, `wildcard`, `$or`, …) is
 * refused when the pattern is read, so a pattern is never silently matched wrong. No maintained
 * npm package does EventBridge matching, and the service's own `TestEventPattern` needs AWS.
 */
export type PatternValue =
  | string
  | number
  | boolean
  | null
  | { readonly prefix: string }
  | {
      readonly exists: boolean;
    };

export interface EventPattern {
  readonly [field: string]: EventPattern | readonly PatternValue[];
}

/** Checks `pattern` and returns it typed; a message names the path of what is not supported. */
export function parseEventPattern(value: unknown, path = 'pattern'): EventPattern {
  if (!isPlainObject(value) || Object.keys(value).length === 0) {
    throw new TypeError(`${path} must be a non-empty JSON object`);
  }
  for (const [field, rule] of Object.entries(value)) {
    const at = `${path}.${field}`;
    if (Array.isArray(rule)) {
      if (rule.length === 0) throw new TypeError(`${at} must list at least one value`);
      for (const item of rule) assertPatternValue(item, at);
    } else {
      parseEventPattern(rule, at);
    }
  }
  return value as EventPattern;
}

/** Whether `event` (an EventBridge envelope: `source`, `detail-type`, `detail`, …) matches. */
export function matchesEventPattern(pattern: EventPattern, event: unknown): boolean {
  const fields = isPlainObject(event) ? event : {};
  return Object.entries(pattern).every(([field, rule]) => {
    const value = fields[field];
    if (isPatternList(rule)) {
      // An array in the event matches when any of its elements does.
      const values = Array.isArray(value) ? value : [value];
      return rule.some((item) => values.some((candidate) => matchesValue(item, candidate)));
    }
    return isPlainObject(value) && matchesEventPattern(rule, value);
  });
}

function matchesValue(item: PatternValue, value: unknown): boolean {
  if (item === null || typeof item !== 'object') return value !== undefined && item === value;
  if ('prefix' in item) return typeof value === 'string' && value.startsWith(item.prefix);
  return (value !== undefined) === item.exists;
}

function isPatternList(
  rule: EventPattern | readonly PatternValue[],
): rule is readonly PatternValue[] {
  return Array.isArray(rule);
}

function assertPatternValue(item: unknown, at: string): void {
  if (item === null || ['string', 'number', 'boolean'].includes(typeof item)) return;
  if (isPlainObject(item)) {
    const keys = Object.keys(item);
    if (keys.length === 1 && typeof item.prefix === 'string') return;
    if (keys.length === 1 && typeof item.exists === 'boolean') return;
    throw new TypeError(
      `${at}: ${JSON.stringify(item)} is not supported locally (exact values, prefix and exists are)`,
    );
  }
  throw new TypeError(`${at}: ${JSON.stringify(item)} is not a pattern value`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
