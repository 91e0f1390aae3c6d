import { EventBridgeClient } from '@aws-sdk/client-eventbridge';

/**
 * Per try: one second to connect, two to answer (PutEvents of ten small entries takes
 * milliseconds); `throwOnRequestTimeout` makes the latter a real limit rather than a warning.
 */
export const EVENT_BRIDGE_REQUEST_HANDLER = {
  connectionTimeout: 1_000,
  requestTimeout: 2_000,
  throwOnRequestTimeout: true,
} as const;

/**
 * Tries of one request, the first included. Few: our publisher retries failed entries itself
 * (`event-publisher.ts`), and a pending event is never lost (the sweeper sends it).
 */
export const EVENT_BRIDGE_MAX_ATTEMPTS = 2;

/**
 * One EventBridge client per Lambda container, created at cold start and reused. Locally the SDK
 * reads `AWS_ENDPOINT_URL_EVENTBRIDGE` to reach the stand-in (`infra/local/event-bridge-stand-in.ts`).
 */
export const eventBridgeClient = new EventBridgeClient({
  requestHandler: EVENT_BRIDGE_REQUEST_HANDLER,
  maxAttempts: EVENT_BRIDGE_MAX_ATTEMPTS,
});
