import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_EVENT_SOURCE } from '#shared/events/status-changed-event';
import type { ChecksumFormula } from '#shared/front-payment/callback-checksum';
import { createFrontPaymentClient } from '#shared/front-payment/front-payment-client';
import type { ReconcileRunResult } from '../../functions/reconcile/reconcile.ts';
import { createAnswerChecker } from '../openapi/answer-checker.ts';
import { committedOpenApiText } from '../openapi/openapi-file.ts';
import { RESERVATION_ROUTES } from '../reservation-routes.ts';
import { CALLBACK_PATH } from './callback-path.ts';
import { createConsoleRoutes } from './console/console-routes.ts';
import { createCustomerActivityReader } from './console/customer-activity.ts';
import { createRequestLog } from './console/request-log.ts';
import { createTables, type LocalTableNames } from './create-tables.ts';
import { type RunningDynamoDbLocal, startDynamoDbLocal } from './dynamodb-local.ts';
import { type RunningLocalEventBridge, startLocalEventBridge } from './event-bridge-stand-in.ts';
import { defaultForwardPattern } from './event-forwarding/default-forward-pattern.ts';
import {
  createEventForwarder,
  type EventDelivery,
  type EventForwarder,
} from './event-forwarding/event-forwarder.ts';
import type { EventPattern } from './event-forwarding/event-pattern.ts';
import { fireEvent } from './event-forwarding/fire-event.ts';
import { loadForwardTarget } from './event-forwarding/forward-target.ts';
import { findFreePort } from './free-port.ts';
import {
  type RunningFrontPaymentSandbox,
  type SandboxQuirks,
  startFrontPaymentSandbox,
} from './front-payment-sandbox/index.ts';
import { createLambdaContext } from './lambda-context.ts';
import {
  type AccessLogEntry,
  type RunningLambdaHttpServer,
  startLambdaHttpServer,
} from './lambda-http-server.ts';
import { localAwsClientConfig } from './local-aws.ts';
import { localCallerArnOf } from './local-caller.ts';
import { LOCAL_DEFAULTS, PORT_VARIABLES } from './local-defaults.ts';
import { FUNCTION_TIMEOUTS_MS, loadLocalFunctions, scheduledEvent } from './local-functions.ts';
import { createOpenApiRoute, OPENAPI_ROUTE } from './openapi-route.ts';
import { type Schedule, startSchedule } from './schedule.ts';
import {
  assertPortFree,
  explainDynamoDbLocalError,
  explainListenError,
  LocalStackStartupError,
} from './startup-errors.ts';

export interface LocalStackOptions {
  /** Interface every server listens on. @default '127.0.0.1' */
  readonly host?: string;
  /** The API and console port; 0 picks a free one. @default 3000 */
  readonly port?: number;
  /** DynamoDB Local's port; 0 picks a free one. @default 8000 */
  readonly dynamoDbPort?: number;
  /** Use this running DynamoDB instead of starting DynamoDB Local (tests share one). */
  readonly dynamoDbEndpoint?: string;
  /** Keep DynamoDB Local's data in this folder; in memory when absent. */
  readonly dataPath?: string;
  /** @default 4010 */
  readonly eventBridgePort?: number;
  /** @default 4020 */
  readonly sandboxPort?: number;
  /** A real Front Payment environment: no sandbox is started. */
  readonly frontPaymentBaseUrl?: string;
  /** @default LOCAL_DEFAULTS.frontPaymentToken */
  readonly frontPaymentToken?: string;
  /** @default LOCAL_DEFAULTS.callbackSecret */
  readonly callbackSecret?: string;
  /** Our API's public base URL in callbacks (a tunnel); @default the local API URL */
  readonly callbackBaseUrl?: string;
  /** Used by the callback function and the sandbox alike. @default 'all-parameters' */
  readonly checksumFormula?: ChecksumFormula;
  readonly sandboxQuirks?: Partial<SandboxQuirks>;
  /** @default LOCAL_DEFAULTS.tableNames */
  readonly tableNames?: LocalTableNames;
  /** @default LOCAL_DEFAULTS.eventBusName */
  readonly eventBusName?: string;
  /** How often the publish-pending sweeper runs; 0 turns the schedule off. @default 15000 */
  readonly publishPendingIntervalMs?: number;
  /** How often the reconciler runs; 0 turns the schedule off. @default 10000 */
  readonly reconcileIntervalMs?: number;
  /** LOG_LEVEL of the functions. @default 'INFO' */
  readonly logLevel?: string;
  /** Every request the API server answered. */
  readonly onRequest?: (entry: AccessLogEntry) => void;
  /** A failed sweeper run (the schedule keeps going). */
  readonly onScheduleError?: (error: unknown) => void;
  /** Extra variables for the functions, e.g. CALLBACK_MAX_AGE_SECONDS. */
  readonly functionEnvironment?: Readonly<Record<string, string>>;
  /** Consumers the bus's events are forwarded to: URLs or `./file.ts#export` (FORWARD_EVENTS_TO). */
  readonly forwardEventsTo?: readonly string[];
  /** Which events are forwarded. @default the pattern of the construct's `onStatus`, every status */
  readonly forwardEventsPattern?: EventPattern;
  /** Backoff before a forwarded event's second try (doubled after). @default 500 */
  readonly forwardRetryBaseMs?: number;
  /** Each finished delivery of a forwarded event. */
  readonly onDelivery?: (delivery: EventDelivery) => void;
  /**
   * Check every answer of the merchant API against docs/openapi.json; `stop()` then throws,
   * listing what did not match. @default true under vitest (`VITEST`), false otherwise
   */
  readonly checkAnswers?: boolean;
}

/** One reconciler run as the console lists it (`at`: when it ended). */
export type ReconcilerRun = ReconcileRunResult & { readonly at: string };
/** The console keeps this many runs. */
const MAX_RECONCILER_RUNS = 20;

export interface LocalStackUrls {
  readonly api: string;
  readonly console: string;
  /** Null when a real Front Payment environment is used. */
  readonly sandbox: string | null;
  /** What the functions call: the sandbox or the real environment. */
  readonly frontPayment: string;
  readonly callbackBase: string;
  /** The merchant API's OpenAPI document. */
  readonly openApi: string;
  readonly eventBridge: string;
  readonly dynamoDb: string;
}

export interface RunningLocalStack {
  readonly urls: LocalStackUrls;
  readonly tableNames: LocalTableNames;
  readonly eventBusName: string;
  /** Absolute data folder of DynamoDB Local, or null when in memory (or not ours). */
  readonly dataPath: string | null;
  readonly sandbox: RunningFrontPaymentSandbox | undefined;
  readonly eventBridge: RunningLocalEventBridge;
  /** Delivers the bus's events to FORWARD_EVENTS_TO (none when it is empty). */
  readonly forwarder: EventForwarder;
  /** A client for the stack's DynamoDB (plain JavaScript values). */
  readonly documents: DynamoDBDocumentClient;
  /** Runs the publish-pending sweeper once, now (it also runs on its schedule). */
  publishPendingNow(): Promise<void>;
  /** Runs the reconciler once, now (it also runs on its schedule); its summary. */
  reconcileNow(): Promise<ReconcileRunResult>;
  /** The last reconciler runs, idle ones included, newest last (the console shows them). */
  reconcilerRuns(): readonly ReconcilerRun[];
  /** Stops everything, DynamoDB Local's Java process included; safe to call twice. */
  stop(): Promise<void>;
}

/** Variables that would send the local functions to AWS instead of the local stand-ins. */
const REMOVED_VARIABLES = [
  'AWS_PROFILE',
  'AWS_SESSION_TOKEN',
  'FRONT_PAYMENT_TOKEN_ARN',
  'FRONT_PAYMENT_CALLBACK_SECRET_ARN',
];

/**
 * Starts the whole product in this process: DynamoDB Local with the tables of the shared table
 * design, the local EventBridge, the Front Payment sandbox (unless a real environment is given),
 * the real create-session and callback handlers behind an API Gateway stand-in, the console, and
 * the publish-pending sweeper on a schedule. Any failure stops what already started.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<RunningLocalStack> {
  const host = options.host ?? LOCAL_DEFAULTS.host;
  const ports = {
    port: options.port ?? LOCAL_DEFAULTS.port,
    dynamoDbPort: options.dynamoDbPort ?? LOCAL_DEFAULTS.dynamoDbPort,
    eventBridgePort: options.eventBridgePort ?? LOCAL_DEFAULTS.eventBridgePort,
    sandboxPort: options.sandboxPort ?? LOCAL_DEFAULTS.sandboxPort,
  };
  const useSandbox = options.frontPaymentBaseUrl === undefined;
  const startsDynamoDb = options.dynamoDbEndpoint === undefined;
  const stoppers: (() => Promise<void>)[] = [];
  let dynamoDbStarting: Promise<unknown> = Promise.resolve();
  // One after the other, newest first: the schedule and the API stop before what they use.
  const stopAll = async () => {
    const errors: unknown[] = [];
    for (const stop of stoppers.splice(0).reverse()) {
      try {
        await stop();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw errors[0];
  };

  try {
    await Promise.all([
      assertPortFree(ports.port, host, 'API and console', PORT_VARIABLES.port),
      startsDynamoDb
        ? assertPortFree(ports.dynamoDbPort, host, 'DynamoDB Local', PORT_VARIABLES.dynamoDbPort)
        : undefined,
      assertPortFree(
        ports.eventBridgePort,
        host,
        'local EventBridge',
        PORT_VARIABLES.eventBridgePort,
      ),
      useSandbox
        ? assertPortFree(
            ports.sandboxPort,
            host,
            'Front Payment sandbox',
            PORT_VARIABLES.sandboxPort,
          )
        : undefined,
    ]);
    const apiPort = ports.port === 0 ? await findFreePort() : ports.port;
    const apiUrl = `http://${host}:${apiPort}`;
    const callbackBase = (options.callbackBaseUrl ?? apiUrl).replace(/\/+$/, '');
    const secret = options.callbackSecret ?? LOCAL_DEFAULTS.callbackSecret;
    const token = options.frontPaymentToken ?? LOCAL_DEFAULTS.frontPaymentToken;
    const dataPath = startsDynamoDb && options.dataPath ? resolve(options.dataPath) : null;

    // Java takes the longest; everything else starts meanwhile.
    const dynamoDbPort = ports.dynamoDbPort === 0 ? await findFreePort() : ports.dynamoDbPort;
    const dynamoDbStarted = startsDynamoDb
      ? startDynamoDb(dynamoDbPort, dataPath)
      : Promise.resolve(undefined);
    dynamoDbStarting = dynamoDbStarted.then((started) => {
      if (started) stoppers.push(started.stop);
    });
    dynamoDbStarting.catch(() => {});
    const dynamoDbEndpoint = options.dynamoDbEndpoint ?? `http://127.0.0.1:${dynamoDbPort}`;

    // Consumer modules are imported now: a wrong path or export stops the start, naming it.
    const eventSource = options.functionEnvironment?.EVENT_SOURCE ?? DEFAULT_EVENT_SOURCE;
    const forwarder = createEventForwarder({
      targets: await Promise.all(
        (options.forwardEventsTo ?? []).map((target) => loadForwardTarget(target, process.cwd())),
      ),
      pattern: options.forwardEventsPattern ?? defaultForwardPattern(eventSource),
      region: LOCAL_DEFAULTS.region,
      ...(options.forwardRetryBaseMs === undefined
        ? {}
        : { baseDelayMs: options.forwardRetryBaseMs }),
      ...(options.onDelivery ? { onDelivery: options.onDelivery } : {}),
    });
    // Deliveries under way end (or give up) before the consumers' stack goes away.
    stoppers.push(() => forwarder.settled());

    const [eventBridgeStart, sandboxStart] = await Promise.allSettled([
      startLocalEventBridge({
        port: ports.eventBridgePort,
        host,
        onEvent: (event) => forwarder.forward(event),
      }).catch((error: unknown) => {
        throw explainListenError(
          error,
          ports.eventBridgePort,
          'local EventBridge',
          PORT_VARIABLES.eventBridgePort,
        );
      }),
      useSandbox
        ? startFrontPaymentSandbox({
            port: ports.sandboxPort,
            host,
            token,
            callbackSecret: secret,
            ...(options.checksumFormula ? { checksumFormula: options.checksumFormula } : {}),
            ...(options.sandboxQuirks ? { quirks: options.sandboxQuirks } : {}),
          }).catch((error: unknown) => {
            throw explainListenError(
              error,
              ports.sandboxPort,
              'Front Payment sandbox',
              PORT_VARIABLES.sandboxPort,
            );
          })
        : Promise.resolve(undefined),
    ]);
    // Whatever started is stopped again if the other one failed.
    if (eventBridgeStart.status === 'fulfilled') stoppers.push(eventBridgeStart.value.stop);
    if (sandboxStart.status === 'fulfilled' && sandboxStart.value) {
      stoppers.push(sandboxStart.value.stop);
    }
    if (eventBridgeStart.status === 'rejected') throw eventBridgeStart.reason;
    if (sandboxStart.status === 'rejected') throw sandboxStart.reason;
    const eventBridge = eventBridgeStart.value;
    const sandbox = sandboxStart.value;
    const frontPaymentUrl = sandbox?.url ?? (options.frontPaymentBaseUrl as string);
    const tableNames = options.tableNames ?? LOCAL_DEFAULTS.tableNames;
    const eventBusName = options.eventBusName ?? LOCAL_DEFAULTS.eventBusName;

    // Importing the handlers touches no AWS service, so it overlaps with Java's start too.
    const functions = await loadLocalFunctions(
      {
        AWS_REGION: LOCAL_DEFAULTS.region,
        AWS_ACCESS_KEY_ID: localAwsClientConfig.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: localAwsClientConfig.credentials.secretAccessKey,
        AWS_ENDPOINT_URL_DYNAMODB: dynamoDbEndpoint,
        AWS_ENDPOINT_URL_EVENTBRIDGE: eventBridge.url,
        RESERVATIONS_TABLE_NAME: tableNames.reservations,
        EVENT_BUS_NAME: eventBusName,
        FRONT_PAYMENT_BASE_URL: frontPaymentUrl,
        FRONT_PAYMENT_TOKEN: token,
        FRONT_PAYMENT_CALLBACK_SECRET: secret,
        CALLBACK_BASE_URL: callbackBase,
        CALLBACK_CHECKSUM_FORMULA: options.checksumFormula ?? 'all-parameters',
        SERVICE_NAME: 'front-payment-reservations-local',
        LOG_LEVEL: options.logLevel ?? LOCAL_DEFAULTS.logLevel,
        // As Lambda sets it for on-demand functions: the logger logs cold_start only then.
        AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
        // Locally a missed callback shows within a minute; AWS checks every 15 minutes.
        RECONCILE_RECHECK_SECONDS: '60',
        RECONCILE_GRACE_SECONDS: '120',
        // A run every 10 s that found nothing to do is logged at DEBUG only.
        RECONCILE_IDLE_SUMMARY_LEVEL: 'DEBUG',
        ...options.functionEnvironment,
      },
      REMOVED_VARIABLES,
    );

    const runs: ReconcilerRun[] = [];
    await dynamoDbStarted;
    const dynamoDbClient = new DynamoDBClient({
      ...localAwsClientConfig,
      endpoint: dynamoDbEndpoint,
    });
    stoppers.push(async () => dynamoDbClient.destroy());
    await createTables(dynamoDbClient, tableNames);

    const documents = DynamoDBDocumentClient.from(dynamoDbClient, {
      marshallOptions: { removeUndefinedValues: true },
    });
    const eventBridgeClient = new EventBridgeClient({
      ...localAwsClientConfig,
      endpoint: eventBridge.url,
    });
    stoppers.push(async () => eventBridgeClient.destroy());
    const urls: LocalStackUrls = {
      api: apiUrl,
      console: `${apiUrl}/_local/`,
      sandbox: sandbox?.url ?? null,
      frontPayment: frontPaymentUrl,
      callbackBase,
      openApi: `${apiUrl}${OPENAPI_ROUTE}`,
      eventBridge: eventBridge.url,
      dynamoDb: dynamoDbEndpoint,
    };
    const answerChecker =
      (options.checkAnswers ?? process.env.VITEST === 'true')
        ? createAnswerChecker(JSON.parse(committedOpenApiText()))
        : undefined;
    const openApiRoute = createOpenApiRoute();
    const requestLog = createRequestLog();
    const consoleRoutes = createConsoleRoutes({
      documents,
      reservationsTableName: tableNames.reservations,
      events: () => eventBridge.events,
      customerActivity: createCustomerActivityReader(
        createFrontPaymentClient({
          baseUrl: frontPaymentUrl,
          token: async () => token,
          timeoutMs: 5_000,
        }),
      ),
      requestLog,
      reconcilerRuns: () => runs,
      deliveries: () => forwarder.deliveries(),
      fire: (reservationId, event) =>
        fireEvent(
          {
            documents,
            reservationsTableName: tableNames.reservations,
            eventBridge: eventBridgeClient,
            eventBusName,
            source: eventSource,
          },
          reservationId,
          event,
        ),
      links: {
        api: urls.api,
        sandbox: urls.sandbox,
        frontPayment: urls.frontPayment,
        eventBridge: urls.eventBridge,
        dynamoDb: urls.dynamoDb,
      },
    });

    const api: RunningLambdaHttpServer = await startLambdaHttpServer({
      port: apiPort,
      host,
      routes: [
        {
          method: 'POST',
          path: '/reservations',
          functionName: 'create-session',
          timeoutMs: FUNCTION_TIMEOUTS_MS.createSession,
          handler: functions.createSession,
          // Behind the IAM (or JWT) authorizer in AWS: here the access key of a signed request,
          // else one fixed local caller.
          callerArn: localCallerArnOf,
        },
        ...RESERVATION_ROUTES.map(({ method, path }) => ({
          method,
          path,
          functionName: 'reservation-commands',
          timeoutMs: FUNCTION_TIMEOUTS_MS.reservationCommands,
          handler: functions.reservationCommands,
          callerArn: localCallerArnOf,
        })),
        // As in the CDK stack: our reservation id as a path segment, and the old path for
        // callbacks of sessions created before it.
        ...[`${CALLBACK_PATH}/{reservationId}`, CALLBACK_PATH].map((path) => ({
          method: 'GET',
          path,
          functionName: 'callback',
          timeoutMs: FUNCTION_TIMEOUTS_MS.callback,
          handler: functions.callback,
        })),
      ],
      otherRequests: async (request, response) =>
        (await openApiRoute(request, response)) || consoleRoutes(request, response),
      ...(answerChecker ? { onAnswer: answerChecker.check } : {}),
      onRequest: (entry) => {
        requestLog.record(entry);
        options.onRequest?.(entry);
      },
    }).catch((error: unknown) => {
      throw explainListenError(error, apiPort, 'API and console', PORT_VARIABLES.port);
    });
    stoppers.push(api.stop);

    const sweep = async () => {
      await functions.publishPending(
        scheduledEvent(LOCAL_DEFAULTS.region, 'publish-pending-schedule'),
        createLambdaContext({
          functionName: 'publish-pending',
          timeoutMs: FUNCTION_TIMEOUTS_MS.publishPending,
        }),
      );
    };
    const intervalMs = options.publishPendingIntervalMs ?? LOCAL_DEFAULTS.publishPendingIntervalMs;
    const schedule: Schedule | undefined =
      intervalMs > 0
        ? startSchedule(intervalMs, sweep, options.onScheduleError ?? (() => {}))
        : undefined;
    if (schedule) stoppers.push(schedule.stop);

    const reconcile = async () => {
      const result = (await functions.reconcile(
        scheduledEvent(LOCAL_DEFAULTS.region, 'reconcile-schedule'),
        createLambdaContext({
          functionName: 'reconcile',
          timeoutMs: FUNCTION_TIMEOUTS_MS.reconcile,
        }),
      )) as ReconcileRunResult;
      // Every run, idle ones too: the console shows when the reconciler last ran.
      runs.push({ at: new Date().toISOString(), ...result });
      runs.splice(0, Math.max(0, runs.length - MAX_RECONCILER_RUNS));
      return result;
    };
    const reconcileIntervalMs = options.reconcileIntervalMs ?? LOCAL_DEFAULTS.reconcileIntervalMs;
    const reconcileSchedule: Schedule | undefined =
      reconcileIntervalMs > 0
        ? startSchedule(
            reconcileIntervalMs,
            async () => {
              await reconcile();
            },
            options.onScheduleError ?? (() => {}),
          )
        : undefined;
    if (reconcileSchedule) stoppers.push(reconcileSchedule.stop);

    let stopping: Promise<void> | undefined;
    return {
      urls,
      tableNames,
      eventBusName,
      dataPath,
      sandbox,
      eventBridge,
      forwarder,
      documents,
      publishPendingNow: () => (schedule ? schedule.runNow() : sweep()),
      reconcileNow: reconcile,
      reconcilerRuns: () => runs,
      stop: () => {
        stopping ??= stopAll().then(() => {
          if (answerChecker && answerChecker.violations.length > 0) {
            throw new UndocumentedAnswerError(answerChecker.violations);
          }
        });
        return stopping;
      },
    };
  } catch (error) {
    // Java may still be starting: wait for it, so it is stopped too rather than orphaned.
    await dynamoDbStarting.catch(() => {});
    await stopAll().catch(() => {});
    throw error;
  }
}

/** The merchant API answered what docs/openapi.json does not describe. */
export class UndocumentedAnswerError extends Error {
  constructor(readonly violations: readonly string[]) {
    super(
      `${violations.length} answers of the merchant API do not match docs/openapi.json:\n${violations.map((line) => `- ${line}`).join('\n')}`,
    );
    this.name = 'UndocumentedAnswerError';
  }
}

async function startDynamoDb(port: number, dataPath: string | null): Promise<RunningDynamoDbLocal> {
  if (dataPath) await mkdir(dataPath, { recursive: true });
  try {
    return await startDynamoDbLocal({ port, ...(dataPath ? { dataPath } : {}) });
  } catch (error) {
    throw error instanceof LocalStackStartupError
      ? error
      : explainDynamoDbLocalError(error, port, PORT_VARIABLES.dynamoDbPort);
  }
}
