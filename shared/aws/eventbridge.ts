import { EventBridgeClient } from '@aws-sdk/client-eventbridge';

/**
 * One EventBridge client per Lambda container, created at cold start and reused. Locally the SDK
 * reads `AWS_ENDPOINT_URL_EVENTBRIDGE` to reach the stand-in (`infra/local/event-bridge-stand-in.ts`).
 */
export const eventBridgeClient = new EventBridgeClient({});
