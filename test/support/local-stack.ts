import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, inject } from 'vitest';
import type { RunningFrontPaymentSandbox } from '../../infra/local/front-payment-sandbox/index.ts';
import { LOCAL_DEFAULTS } from '../../infra/local/local-defaults.ts';
import {
  type LocalStackOptions,
  type RunningLocalStack,
  startLocalStack,
} from '../../infra/local/local-stack.ts';
import { createLocalStackClient } from '../../infra/local/local-stack-client.ts';
import { setByHook } from './set-by-hook.ts';

export type LocalStackClient = ReturnType<typeof createLocalStackClient>;

/** Read these inside tests and hooks: they are set before all tests run. */
export interface LocalStackUnderTest {
  /** The whole product as `npm start` runs it. */
  readonly stack: RunningLocalStack;
  /** Our API and the sandbox over HTTP, as a merchant and a customer's browser use them. */
  readonly client: LocalStackClient;
  /** The stack's Front Payment sandbox, in process: faults, quirks, payments, calls it received. */
  readonly sandbox: RunningFrontPaymentSandbox;
}

/**
 * Registers a test file's hooks for the local stack, started before all tests and stopped after
 * all: on the suite's DynamoDB Local with tables of the file's own, on free ports, with the
 * functions' logs off (TEST_LOG_LEVEL shows them) and no scheduled sweeper or reconciler run, so
 * none races a test (it runs them with `publishPendingNow` and `reconcileNow`). `options` replace
 * any of these.
 */
export function useLocalStack(options: LocalStackOptions = {}): LocalStackUnderTest {
  let stack: RunningLocalStack | undefined;
  let client: LocalStackClient | undefined;

  beforeAll(async () => {
    stack = await startLocalStack({
      port: 0,
      eventBridgePort: 0,
      sandboxPort: 0,
      logLevel: process.env.TEST_LOG_LEVEL ?? 'SILENT',
      tableNames: { reservations: `reservations-${randomUUID().slice(0, 8)}` },
      publishPendingIntervalMs: 0,
      reconcileIntervalMs: 0,
      dynamoDbEndpoint: inject('dynamoDbEndpoint'),
      ...options,
    });
    client = createLocalStackClient({
      apiUrl: stack.urls.api,
      frontPaymentToken: options.frontPaymentToken ?? LOCAL_DEFAULTS.frontPaymentToken,
    });
  });
  afterAll(() => stack?.stop());

  return {
    get stack() {
      return setByHook(stack, 'stack');
    },
    get client() {
      return setByHook(client, 'client');
    },
    get sandbox() {
      // Absent only when a real Front Payment environment is given, which no test does.
      return setByHook(setByHook(stack, 'stack').sandbox, 'sandbox');
    },
  };
}
