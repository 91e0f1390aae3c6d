import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import {
  type RunningLocalEventBridge,
  startLocalEventBridge,
} from '../../infra/local/event-bridge-stand-in.ts';
import { localAwsClientConfig } from '../../infra/local/local-aws.ts';
import { setByHook } from './set-by-hook.ts';

export interface LocalEventBridgeHooksOptions {
  /** Tries per call of the SDK client, its own retries included. @default the SDK's */
  readonly maxAttempts?: number;
}

/** Read these inside tests and hooks: they are set before all tests run. */
export interface LocalEventBridge {
  readonly bridge: RunningLocalEventBridge;
  /** The real SDK client, pointed at the stand-in. */
  readonly client: EventBridgeClient;
}

/**
 * Registers a test file's hooks for the local EventBridge stand-in: started with an SDK client
 * before all tests, emptied of events and faults before each test, stopped after all.
 */
export function useLocalEventBridge(options: LocalEventBridgeHooksOptions = {}): LocalEventBridge {
  let bridge: RunningLocalEventBridge | undefined;
  let client: EventBridgeClient | undefined;
  const local: LocalEventBridge = {
    get bridge() {
      return setByHook(bridge, 'bridge');
    },
    get client() {
      return setByHook(client, 'client');
    },
  };

  beforeAll(async () => {
    bridge = await startLocalEventBridge();
    client = new EventBridgeClient({
      ...localAwsClientConfig,
      endpoint: bridge.url,
      ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
    });
  });
  afterAll(async () => {
    client?.destroy();
    await bridge?.stop();
  });
  beforeEach(() => local.bridge.clear());
  return local;
}
