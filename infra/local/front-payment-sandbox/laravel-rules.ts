/**
 * A small re-implementation of the Laravel validation semantics Front Payment's API runs on, so
 * the sandbox judges payloads the way the real service does (and independently of our schema):
 * - rules of a field run in order and every failing rule adds a message (no `bail`);
 * - a missing or null value skips every rule except the implicit ones (`required…`);
 * - `products.*.name` expands over the keys present;
 * - messages are Laravel 9's English ones with the attribute written "customer details.email".
 */

/** Laravel's error bag: field path -> messages, in rule order. */
export type FieldErrors = Record<string, string[]>;

export interface RuleContext {
  /** The whole (normalised) payload, for rules that look at other fields. */
  readonly root: unknown;
  /** Unix seconds "now". */
  readonly nowSeconds: number;
}

export interface Rule {
  /** Implicit rules run even when the value is missing or null (Laravel's `required…`). */
  readonly implicit?: boolean;
  /** The message when the rule fails, with `:attribute` left in; undefined when it passes. */
  check(value: unknown, context: RuleContext): string | undefined;
}

export type RuleSet = readonly (readonly [path: string, rules: readonly Rule[]])[];

/** Runs the rule set; an empty object means the payload passed. */
export function validate(payload: unknown, ruleSet: RuleSet, nowSeconds: number): FieldErrors {
  const root = normaliseInput(payload);
  const context: RuleContext = { root, nowSeconds };
  const errors: FieldErrors = {};
  for (const [pattern, rules] of ruleSet) {
    for (const path of expandPath(root, pattern)) {
      const value = dataGet(root, path);
      const absent = value === undefined || value === null;
      for (const rule of rules) {
        if (absent && !rule.implicit) continue;
        const message = rule.check(value, context);
        if (message === undefined) continue;
        const messages = errors[path] ?? [];
        messages.push(message.replaceAll(':attribute', displayableAttribute(path)));
        errors[path] = messages;
      }
    }
  }
  return errors;
}

/** `customerDetails.organizationId` -> `customer details.organization id` (Str::snake, `_` -> ` `). */
export function displayableAttribute(path: string): string {
  return path
    .replace(/([a-z\d])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replaceAll('_', ' ');
}

/** Laravel's TrimStrings and ConvertEmptyStringsToNull middleware, applied to JSON input too. */
function normaliseInput(value: unknown): unknown {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return trimmed === '' ? null : trimmed;
  }
  if (Array.isArray(value)) return value.map(normaliseInput);
  if (isRecord(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, normaliseInput(item)]),
    );
  }
  return value;
}

/** Expands `*` segments over the keys present, like Laravel's wildcard rules. */
function expandPath(root: unknown, pattern: string): string[] {
  let prefixes = [''];
  for (const segment of pattern.split('.')) {
    if (segment !== '*') {
      prefixes = prefixes.map((prefix) => (prefix ? `${prefix}.${segment}` : segment));
      continue;
    }
    prefixes = prefixes.flatMap((prefix) => {
      const container = dataGet(root, prefix);
      return isContainer(container)
        ? Object.keys(container).map((key) => (prefix ? `${prefix}.${key}` : key))
        : [];
    });
  }
  return prefixes;
}

export function dataGet(root: unknown, path: string): unknown {
  let current = root;
  for (const segment of path.split('.')) {
    if (!isContainer(current)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A PHP array: a JSON object or a JSON list. */
function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  return typeof value === 'object' && value !== null;
}

function rule(check: Rule['check'], implicit = false): Rule {
  return implicit ? { implicit, check } : { check };
}

export const required = (): Rule =>
  rule((value) => {
    const empty =
      value === undefined ||
      value === null ||
      (isContainer(value) && Object.keys(value).length === 0);
    return empty ? 'The :attribute field is required.' : undefined;
  }, true);

export const requiredIf = (otherPath: string, otherValue: string): Rule =>
  rule((value, context) => {
    if (String(dataGet(context.root, otherPath)) !== otherValue) return undefined;
    if (value !== undefined && value !== null) return undefined;
    return `The :attribute field is required when ${displayableAttribute(otherPath)} is ${otherValue}.`;
  }, true);

export const string = (): Rule =>
  rule((value) => (typeof value === 'string' ? undefined : 'The :attribute must be a string.'));

export const array = (): Rule =>
  rule((value) => (isContainer(value) ? undefined : 'The :attribute must be an array.'));

export const numeric = (): Rule =>
  rule((value) => (isNumeric(value) ? undefined : 'The :attribute must be a number.'));

/** Laravel accepts true, false, 0, 1, "0" and "1". */
export const boolean = (): Rule =>
  rule((value) =>
    [true, false, 0, 1, '0', '1'].includes(value as never)
      ? undefined
      : 'The :attribute field must be true or false.',
  );

/** Compares as strings, like PHP's loose `in_array`. */
export const inList = (allowed: readonly (string | number)[]): Rule =>
  rule((value) =>
    (typeof value === 'string' || typeof value === 'number') &&
    allowed.map(String).includes(String(value))
      ? undefined
      : 'The selected :attribute is invalid.',
  );

export const regex = (pattern: RegExp): Rule =>
  rule((value) =>
    (typeof value === 'string' || typeof value === 'number') && pattern.test(String(value))
      ? undefined
      : 'The :attribute format is invalid.',
  );

export const digits = (count: number): Rule =>
  rule((value) =>
    (typeof value === 'string' || typeof value === 'number') &&
    new RegExp(`^\\d{${count}}$`).test(String(value))
      ? undefined
      : `The :attribute must be ${count} digits.`,
  );

const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

export const email = (): Rule =>
  rule((value) =>
    typeof value === 'string' && EMAIL.test(value)
      ? undefined
      : 'The :attribute must be a valid email address.',
  );

export const url = (): Rule =>
  rule((value) => (isHttpUrl(value) ? undefined : 'The :attribute must be a valid URL.'));

/** `date_format:U`: a unix timestamp written as digits (a string or an integer). */
export const unixTimestamp = (): Rule =>
  rule((value) =>
    unixSeconds(value) === undefined ? 'The :attribute does not match the format U.' : undefined,
  );

/**
 * `after_or_equal:now`, with a grace period: a client that computes "now" and sends it lands a
 * moment later here, and clocks of two machines differ a little.
 */
export const nowOrLater = (graceSeconds: number): Rule =>
  rule((value, context) => {
    const seconds = unixSeconds(value);
    if (seconds === undefined || seconds >= context.nowSeconds - graceSeconds) return undefined;
    return 'The :attribute must be a date after or equal to now.';
  });

/** A custom rule with its own message (`:attribute` is replaced). */
export const custom = (passes: (value: unknown) => boolean, message: string): Rule =>
  rule((value) => (passes(value) ? undefined : message));

export function isNumeric(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  return typeof value === 'string' && /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(value);
}

export function unixSeconds(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value === 'string' && /^(0|[1-9]\d*)$/.test(value)) return Number(value);
  return undefined;
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const parsed = new URL(value);
    return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname !== '';
  } catch {
    return false;
  }
}
