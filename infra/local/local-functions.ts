import { randomUUID } from 'node:crypto';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { TIMEOUT_SECONDS } from '../function-timeouts.ts';
import { LOCAL_ACCOUNT_ID } from './api-gateway-event.ts';
import { withOwnLogger } from './invocation-logger.ts';
import type { HttpApiHandler } from './lambda-http-server.ts';
import { LocalStackStartupError } from './startup-errors.ts';

/** The deployed functions' timeouts, so a local request times out as it would in AWS. */
export const FUNCTION_TIMEOUTS_MS = {
  createSession: TIMEOUT_SECONDS.createSession * 1000,
  callback: TIMEOUT_SECONDS.callback * 1000,
  publishPending: TIMEOUT_SECONDS.publishPending * 1000,
  reconcile: TIMEOUT_SECONDS.reconcile * 1000,
  reservationCommands: TIMEOUT_SECONDS.reservationCommands * 1000,
} as const;

export type ScheduledHandler = (event: ScheduledEvent, context: Context) => Promise<unknown>;

/** The real handlers, loaded with the local configuration. */
export interface LocalFunctions {
  readonly createSession: HttpApiHandler;
  readonly callback: HttpApiHandler;
  readonly publishPending: ScheduledHandler;
  readonly reconcile: ScheduledHandler;
  readonly reservationCommands: HttpApiHandler;
}

let loaded: { readonly signature: string; readonly functions: Promise<LocalFunctions> } | undefined;

/**
 * Sets the functions' environment variables, then imports the handlers. Handlers read their
 * configuration once at import (cold start), and Node caches modules, so one process can host one
 * configuration only: a second stack with other settings in the same process is refused rather
 * than silently talking to the first stack's tables and ports.
 */
export async function loadLocalFunctions(
  environment: Readonly<Record<string, string>>,
  removed: readonly string[],
): Promise<LocalFunctions> {
  const signature = JSON.stringify(Object.entries(environment).sort());
  if (loaded !== undefined && loaded.signature !== signature) {
    throw new LocalStackStartupError(
      'This process already runs the functions with another local configuration',
      'Handlers read their configuration once per process (cold start): start one local stack per process, e.g. one per test file',
    );
  }
  if (loaded === undefined) {
    for (const name of removed) delete process.env[name];
    Object.assign(process.env, environment);
    // Warm handlers are shared by a second stack of the same configuration, as a warm container.
    loaded = { signature, functions: importFunctions() };
  }
  return loaded.functions;
}

async function importFunctions(): Promise<LocalFunctions> {
  const [createSession, callback, publishPending, reconcile, reservationCommands] =
    await Promise.all([
      import('../../functions/create-session/handler.ts'),
      import('../../functions/callback/handler.ts'),
      import('../../functions/publish-pending/handler.ts'),
      import('../../functions/reconcile/handler.ts'),
      import('../../functions/reservation-commands/handler.ts'),
    ]);
  return {
    createSession: withOwnLogger(createSession.handler as HttpApiHandler),
    callback: withOwnLogger(callback.handler as HttpApiHandler),
    publishPending: withOwnLogger(publishPending.handler as unknown as ScheduledHandler),
    reconcile: withOwnLogger(reconcile.handler as unknown as ScheduledHandler),
    reservationCommands: withOwnLogger(reservationCommands.handler as HttpApiHandler),
  };
}

/** The event an EventBridge schedule rule delivers. */
export function scheduledEvent(region: string, ruleName: string): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: LOCAL_ACCOUNT_ID,
    time: new Date().toISOString(),
    region,
    resources: [`arn:aws:events:${region}:${LOCAL_ACCOUNT_ID}:rule/${ruleName}`],
    detail: {},
  };
}
