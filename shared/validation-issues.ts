import type * as v from 'valibot';
import type { FieldError } from './errors.ts';

/** The path reported for an issue about the whole input (e.g. a body that is not an object). */
export const ROOT_PATH = '(root)';

/**
 * Turns valibot issues into `{ path: 'customerDetails.email', message }` field errors, one per
 * distinct path and message, in the order valibot found them. Array indexes appear as path
 * segments (`products.0.tax`). Messages are the schema's own: write them so they never echo a value.
 */
export function toFieldErrors(issues: readonly v.BaseIssue<unknown>[]): FieldError[] {
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  for (const issue of issues) {
    const path = pathOf(issue);
    const key = `${path}\u0000${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    errors.push({ path, message: issue.message });
  }
  return errors;
}

/**
 * `products.0.tax`; an empty key (`{"": 1}`) shows as `""` so that the error still names it. Only
 * an issue about the whole input has no path (json-body.ts refuses a body that is not an object
 * before any schema sees it).
 */
function pathOf(issue: v.BaseIssue<unknown>): string {
  const keys = issue.path?.map((item) => String(item.key)) ?? [];
  if (keys.length === 0) return ROOT_PATH;
  return keys.map((key) => (key === '' ? '""' : key)).join('.');
}
