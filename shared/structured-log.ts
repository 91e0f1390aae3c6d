/**
 * The logging our code needs (`logger` of `shared/logging/logger.ts`, or a test's own). Call sites
 * pass ids, statuses and error names only, never personal data or secrets.
 */
export interface StructuredLog {
  debug(message: string, attributes?: Record<string, unknown>): void;
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
  error(message: string, attributes?: Record<string, unknown>): void;
}
