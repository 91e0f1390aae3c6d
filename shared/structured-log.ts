/**
 * The logging the event and callback code needs; Powertools' `Logger` fits it. Call sites pass
 * ids, statuses and error names only, never personal data or secrets.
 */
export interface StructuredLog {
  debug(message: string, attributes: Record<string, unknown>): void;
  info(message: string, attributes: Record<string, unknown>): void;
  warn(message: string, attributes: Record<string, unknown>): void;
  error(message: string, attributes: Record<string, unknown>): void;
}
