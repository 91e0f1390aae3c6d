import { Logger } from '@aws-lambda-powertools/logger';
import { installReadableStacks } from './readable-stack.ts';

// Logged errors keep stack frames of our TypeScript sources, at no cost to the cold start.
installReadableStacks();

/**
 * Structured JSON logs. Call sites log ids, statuses and field paths, never request bodies,
 * tokens or personal data.
 */
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'front-payment-reservations',
});
