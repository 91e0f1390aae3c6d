import { randomInt, randomUUID } from 'node:crypto';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetCommand, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, vi } from 'vitest';
import {
  createCallbackInbox,
  FIRST_SWEEP_DELAY_MS,
  inboxKeyOf,
} from '#shared/callbacks/callback-inbox';
import { createDetailsReadGate } from '#shared/callbacks/details-read-gate';
import type { StatusChangeRecord } from '#shared/callbacks/status-change-record';
import { createStatusChangeRepository } from '#shared/callbacks/status-change-repository';
import { createEventPublisher } from '#shared/events/event-publisher';
import { createOutboxRepository } from '#shared/events/outbox-repository';
import type { StatusChangedDetail } from '#shared/events/status-changed-event';
import { DEFAULT_EVENT_SOURCE } from '#shared/events/status-changed-event';
import {
  type ChecksumFormula,
  computeChecksum,
  parseRawQuery,
} from '#shared/front-payment/callback-checksum';
import { createFrontPaymentClient } from '#shared/front-payment/front-payment-client';
import type { ReservationRecord } from '#shared/reservations/reservation-record';
import { SESSION_STATUS_RANK, SESSION_STATUSES } from '#shared/reservations/reservation-status';
import { reservationKeys } from '#shared/reservations/table-design';
import type { StructuredLog } from '#shared/structured-log';
import type { RunningLocalEventBridge } from '../../infra/local/event-bridge-stand-in.ts';
import {
  exampleCreatePayload,
  type RunningFrontPaymentSandbox,
  startFrontPaymentSandbox,
} from '../../infra/local/front-payment-sandbox/index.ts';
import {
  type RunningLambdaHttpServer,
  startLambdaHttpServer,
} from '../../infra/local/lambda-http-server.ts';
import { localAwsClientConfig } from '../../infra/local/local-aws.ts';
import { FUNCTION_TIMEOUTS_MS } from '../../infra/local/local-functions.ts';
import { httpApiEvent, lambdaContext } from './api-gateway-events.ts';
import { useLocalEventBridge } from './local-event-bridge.ts';
import { createLocalTables, type LocalTables } from './local-tables.ts';
import { setByHook } from './set-by-hook.ts';

export const CALLBACK_SECRET = 'local-callback-secret';
/** The next key while the callback secret is rotated (FRONT_PAYMENT_CALLBACK_SECRET_NEXT). */
export const CALLBACK_SECRET_NEXT = 'local-callback-secret-next';
export const FRONT_PAYMENT_TOKEN = 'callback-test-token';
export const CALLBACK_PATH = '/callbacks/front-payment';

/** A callback's parameters in the order Front Payment documents them (checksum excluded). */
export interface CallbackFields {
  readonly orderUuid: string;
  readonly status: string;
  readonly createdAt: string;
  readonly paymentMethod?: string;
  readonly amount: string;
  readonly timestamp: string;
}

/** The raw query Front Payment would send: values URL-encoded, then the checksum it computes. */
export function signedQuery(
  fields: CallbackFields | readonly (readonly [string, string])[],
  secret = CALLBACK_SECRET,
  formula: ChecksumFormula = 'all-parameters',
): string {
  const pairs = Array.isArray(fields)
    ? (fields as readonly (readonly [string, string])[])
    : Object.entries(fields as CallbackFields).filter(
        (pair): pair is [string, string] => pair[1] !== undefined,
      );
  const raw = pairs
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&');
  return `${raw}&checksum=${computeChecksum(parseRawQuery(raw), secret, formula)}`;
}

/** Epoch seconds now, as Front Payment writes them. */
export function epochSeconds(at = new Date()): string {
  return String(Math.floor(at.getTime() / 1000));
}

export function callbackFields(
  orderUuid: string,
  status: string,
  overrides: Partial<CallbackFields> = {},
): CallbackFields {
  const now = epochSeconds();
  return {
    orderUuid,
    status,
    createdAt: now,
    paymentMethod: 'Visa',
    amount: '1000',
    timestamp: now,
    ...overrides,
  };
}

/** The callback's event; with `reservationId`, on the path that carries our id. */
export function callbackEvent(
  rawQueryString: string,
  reservationId?: string,
): APIGatewayProxyEventV2 {
  if (reservationId === undefined) {
    return httpApiEvent({ method: 'GET', path: CALLBACK_PATH, rawQueryString });
  }
  return {
    ...httpApiEvent({ method: 'GET', path: `${CALLBACK_PATH}/${reservationId}`, rawQueryString }),
    routeKey: `GET ${CALLBACK_PATH}/{reservationId}`,
    pathParameters: { reservationId },
  };
}

/** A uuid as Front Payment writes them (`RES4161996022`), unique enough for one test run. */
export function frontPaymentStyleUuid(): string {
  return `RES${String(randomInt(1e9, 1e10))}`;
}

export interface SeededReservation {
  readonly reservationId: string;
  readonly frontPaymentUuid: string;
}

/** A reservation as create-session leaves it: SESSION_CREATED, Front Payment's uuid set. */
export async function seedReservation(
  tables: LocalTables,
  overrides: Partial<ReservationRecord> = {},
): Promise<SeededReservation> {
  const reservationId = overrides.reservationId ?? randomUUID();
  const frontPaymentUuid = overrides.frontPaymentUuid ?? frontPaymentStyleUuid();
  const at = new Date().toISOString();
  const item: ReservationRecord = {
    ...reservationKeys.reservation(reservationId),
    reservationId,
    frontPaymentUuid,
    customerUuid: 'CSRT3463048878',
    paymentUrl: 'https://checkout.example.test/session',
    status: SESSION_STATUSES.sessionCreated,
    statusRank: SESSION_STATUS_RANK,
    version: 2,
    amounts: { subTotal: 1000, totalTax: 0, grandTotal: 1000 },
    preferredPaymentMethod: 'visa',
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
  await tables.documents.send(new PutCommand({ TableName: tables.names.reservations, Item: item }));
  return { reservationId, frontPaymentUuid };
}

/** The kept callback (inbox item) of `rawQueryString`, read consistently; undefined if none. */
export async function readInboxItem(
  tables: LocalTables,
  reservationId: string | null,
  rawQueryString: string,
): Promise<Record<string, unknown> | undefined> {
  const { Item } = await tables.documents.send(
    new GetCommand({
      TableName: tables.names.reservations,
      Key: inboxKeyOf(reservationId, rawQueryString),
      ConsistentRead: true,
    }),
  );
  return Item;
}

export async function readReservation(
  tables: LocalTables,
  reservationId: string,
): Promise<ReservationRecord & { lastChangeAt?: string }> {
  const { Item } = await tables.documents.send(
    new GetCommand({
      TableName: tables.names.reservations,
      Key: reservationKeys.reservation(reservationId),
      ConsistentRead: true,
    }),
  );
  if (!Item) throw new Error(`reservation ${reservationId} is missing`);
  return Item as ReservationRecord;
}

/** The reservation's status history, in version order. */
export async function readStatusChanges(
  tables: LocalTables,
  reservationId: string,
): Promise<StatusChangeRecord[]> {
  const { pk, sk } = reservationKeys.statusChange(reservationId, '');
  const { Items = [] } = await tables.documents.send(
    new QueryCommand({
      TableName: tables.names.reservations,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': sk },
      ConsistentRead: true,
    }),
  );
  return (Items as StatusChangeRecord[]).sort(
    (a, b) => a.reservationVersion - b.reservationVersion,
  );
}

export interface CallbackHandlerEnvironment {
  readonly tables: LocalTables;
  readonly eventBridgeUrl: string;
  /** Front Payment's API the Lambda reads details from (the sandbox). */
  readonly frontPaymentUrl: string;
  readonly dynamoDbEndpoint?: string;
  readonly eventBusName?: string;
  readonly extra?: Readonly<Record<string, string>>;
}

export type HttpHandler = (
  event: APIGatewayProxyEventV2,
) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * Sets the environment the callback Lambda reads at cold start, then imports a fresh copy of it
 * (new module instances, new clients), as a new Lambda container would.
 */
export async function loadCallbackHandler(
  options: CallbackHandlerEnvironment,
): Promise<HttpHandler> {
  setLambdaEnvironment(options);
  vi.resetModules();
  const module = await import('../../functions/callback/handler.ts');
  return (event) =>
    module.handler(
      event,
      lambdaContext(FUNCTION_TIMEOUTS_MS.callback),
    ) as Promise<APIGatewayProxyStructuredResultV2>;
}

/** Replaces the Lambda's variables; optional ones not in `extra` are removed. */
export function setLambdaEnvironment(options: CallbackHandlerEnvironment): void {
  const optional = [
    'FRONT_PAYMENT_CALLBACK_SECRET',
    'CALLBACK_MAX_AGE_SECONDS',
    'CALLBACK_CHECKSUM_FORMULA',
    'FRONT_PAYMENT_CALLBACK_SECRET_NEXT',
    'FRONT_PAYMENT_CALLBACK_SECRET_NEXT_ARN',
    'AWS_ENDPOINT_URL_SECRETS_MANAGER',
    'FRONT_PAYMENT_BASE_URL',
    'FRONT_PAYMENT_TOKEN',
    'FRONT_PAYMENT_TIMEOUT_MS',
    'EVENT_SOURCE',
    'AWS_MAX_ATTEMPTS',
  ];
  for (const name of optional) delete process.env[name];
  Object.assign(process.env, {
    AWS_REGION: localAwsClientConfig.region,
    AWS_ACCESS_KEY_ID: localAwsClientConfig.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: localAwsClientConfig.credentials.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: options.dynamoDbEndpoint ?? options.tables.endpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: options.eventBridgeUrl,
    RESERVATIONS_TABLE_NAME: options.tables.names.reservations,
    EVENT_BUS_NAME: options.eventBusName ?? 'reservations-bus',
    SERVICE_NAME: 'callback-test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'ERROR',
    FRONT_PAYMENT_CALLBACK_SECRET: CALLBACK_SECRET,
    FRONT_PAYMENT_BASE_URL: options.frontPaymentUrl,
    FRONT_PAYMENT_TOKEN,
    ...options.extra,
  });
}

/** A handler's answer with its JSON body parsed (as loosely typed as `JSON.parse` gives it). */
export interface ParsedResponse {
  readonly statusCode: number | undefined;
  readonly body: ReturnType<typeof JSON.parse>;
}

export interface CallbackStackOptions {
  /** Load the callback Lambda before all tests, for `send`. @default true */
  readonly handler?: boolean;
  /**
   * More variables for that Lambda. Called when it loads, after the `beforeAll` hooks the file
   * registered before `useCallbackStack`, so it may read what they started.
   */
  readonly extra?: () => Readonly<Record<string, string>>;
}

/** A reservation known to Front Payment (the sandbox) and to our table, linked by its uuid. */
export interface LinkedReservation {
  readonly reservationId: string;
  /** Front Payment's uuid (RES…), our `frontPaymentUuid`. */
  readonly reservationUuid: string;
}

/** Read these inside tests and hooks: they are set before all tests run. */
export interface CallbackStack {
  /** The file's own tables in the shared DynamoDB Local. */
  readonly tables: LocalTables;
  readonly bridge: RunningLocalEventBridge;
  /** An SDK client on the stand-in, for code under test that publishes by itself. */
  readonly eventBridge: EventBridgeClient;
  /** Front Payment's sandbox: the details the Lambda reads, the callbacks it sends. */
  readonly sandbox: RunningFrontPaymentSandbox;
  /** The local HTTP API in front of the callback Lambda, where the sandbox calls back. */
  readonly apiUrl: string;
  /** Calls the callback Lambda loaded before all tests with this raw query. */
  send(rawQueryString: string, reservationId?: string): Promise<ParsedResponse>;
  /** The same, with the Lambda's whole answer (headers included). */
  invoke(
    rawQueryString: string,
    reservationId?: string,
  ): Promise<APIGatewayProxyStructuredResultV2>;
  /** A fresh callback Lambda on this file's tables and stand-in; `overrides` replace either. */
  loadHandler(overrides?: Partial<CallbackHandlerEnvironment>): Promise<HttpHandler>;
  /**
   * Creates a reservation at the sandbox and as create-session leaves it in our table. Its
   * callbackUrl carries our id as a path segment, or is the old bare path with `legacyPath`.
   */
  createReservation(options?: { readonly legacyPath?: boolean }): Promise<LinkedReservation>;
  /**
   * A reservation paid at the sandbox with its callbacks held back (`reverseCallbackOrder`, reset
   * after each test), so the test sends the callbacks it wants; `more` changes it further.
   */
  heldReservation(more?: (reservationUuid: string) => Promise<void>): Promise<LinkedReservation>;
  /** The raw queries the sandbox sent for a reservation, in order. */
  sentQueries(reservationUuid: string): string[];
  /** The events on the stand-in, as details. */
  events(): StatusChangedDetail[];
}

/**
 * Registers the hooks every callback test file needs: the local EventBridge stand-in (see
 * `useLocalEventBridge`), the file's tables, Front Payment's sandbox, and the callback Lambda
 * loaded on them behind a local HTTP API, where the sandbox's callbacks arrive.
 */
export function useCallbackStack(options: CallbackStackOptions = {}): CallbackStack {
  const events = useLocalEventBridge();
  let tables: LocalTables | undefined;
  let handler: HttpHandler | undefined;
  let sandbox: RunningFrontPaymentSandbox | undefined;
  let api: RunningLambdaHttpServer | undefined;
  const stack: CallbackStack = {
    get tables() {
      return setByHook(tables, 'tables');
    },
    get bridge() {
      return events.bridge;
    },
    get eventBridge() {
      return events.client;
    },
    get sandbox() {
      return setByHook(sandbox, 'sandbox');
    },
    get apiUrl() {
      return setByHook(api, 'api').url;
    },
    async send(rawQueryString, reservationId) {
      const response = await stack.invoke(rawQueryString, reservationId);
      return { statusCode: response.statusCode, body: JSON.parse(response.body ?? 'null') };
    },
    invoke: (rawQueryString, reservationId) =>
      setByHook(handler, 'handler')(callbackEvent(rawQueryString, reservationId)),
    loadHandler: (overrides = {}) =>
      loadCallbackHandler({
        tables: stack.tables,
        eventBridgeUrl: stack.bridge.url,
        frontPaymentUrl: stack.sandbox.url,
        ...overrides,
      }),
    async createReservation({ legacyPath = false } = {}) {
      const reservationId = randomUUID();
      const callbackUrl = `${stack.apiUrl}${CALLBACK_PATH}${legacyPath ? '' : `/${reservationId}`}`;
      const response = await fetch(`${stack.sandbox.url}/api/v1/connect/reservations/create`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${FRONT_PAYMENT_TOKEN}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(exampleCreatePayload({ callbackUrl })),
      });
      const { data } = (await response.json()) as { data: { reservationUuid: string } };
      await seedReservation(stack.tables, {
        reservationId,
        frontPaymentUuid: data.reservationUuid,
      });
      return { reservationId, reservationUuid: data.reservationUuid };
    },
    async heldReservation(more) {
      stack.sandbox.setQuirks({ reverseCallbackOrder: true });
      const reservation = await stack.createReservation();
      await stack.sandbox.pay(reservation.reservationUuid, 'visa');
      await more?.(reservation.reservationUuid);
      return reservation;
    },
    sentQueries: (reservationUuid) =>
      stack.sandbox.callbacks
        .filter((callback) => callback.reservationUuid === reservationUuid)
        .map((callback) => new URL(callback.url).search.slice(1)),
    events: () => stack.bridge.events.map((event) => event.detail as StatusChangedDetail),
  };

  beforeAll(async () => {
    [tables, sandbox] = await Promise.all([
      createLocalTables(),
      startFrontPaymentSandbox({ token: FRONT_PAYMENT_TOKEN, callbackSecret: CALLBACK_SECRET }),
    ]);
    // The callback route of the CDK stack, served locally: whatever handler is loaded answers.
    const route = (path: string) => ({
      method: 'GET',
      path,
      functionName: 'callback',
      timeoutMs: FUNCTION_TIMEOUTS_MS.callback,
      handler: (event: APIGatewayProxyEventV2) => setByHook(handler, 'handler')(event),
    });
    api = await startLambdaHttpServer({
      port: 0,
      routes: [route(`${CALLBACK_PATH}/{reservationId}`), route(CALLBACK_PATH)],
    });
    if (options.handler === false) return;
    handler = await stack.loadHandler(options.extra ? { extra: options.extra() } : {});
  });
  afterEach(() => {
    sandbox?.clearFaults();
    sandbox?.setQuirks({
      perChangeAmounts: false,
      duplicateCallbacks: false,
      reverseCallbackOrder: false,
      dropCallbacks: false,
      misspellReserved: false,
      statusCase: 'upper',
    });
  });
  afterAll(async () => {
    await api?.stop();
    await sandbox?.stop();
  });
  return stack;
}

/** Epoch seconds of a query's `timestamp` replaced, and signed again: Front Payment's resend. */
export function resentLater(rawQueryString: string, secondsLater: number): string {
  const fields = parseRawQuery(rawQueryString).filter(([name]) => name !== 'checksum');
  const resent = fields.map(([name, value]) =>
    name === 'timestamp'
      ? ([name, String(Number(value) + secondsLater)] as const)
      : ([name, value] as const),
  );
  return signedQuery(resent);
}

/** The sweeper's confirmation of kept callbacks, on the stack's real parts. */
export async function confirmKeptCallbacksNow(
  stack: CallbackStack,
  options: { readonly now: () => Date; readonly log?: StructuredLog },
) {
  const { confirmKeptCallbacks } = await import(
    '../../functions/publish-pending/confirm-kept-callbacks.ts'
  );
  const tables = { documents: stack.tables.documents, tableName: stack.tables.names.reservations };
  return confirmKeptCallbacks({
    inbox: createCallbackInbox(tables),
    detailsReads: createDetailsReadGate(tables),
    repository: createStatusChangeRepository({ ...tables, now: options.now }),
    details: createFrontPaymentClient({
      baseUrl: stack.sandbox.url,
      token: async () => FRONT_PAYMENT_TOKEN,
      timeoutMs: 5_000,
    }),
    detailsTimeoutMs: 5_000,
    publisher: createEventPublisher({
      client: stack.eventBridge,
      eventBusName: 'reservations-bus',
      source: DEFAULT_EVENT_SOURCE,
      baseDelayMs: 5,
    }),
    outbox: createOutboxRepository({ ...tables, now: options.now }),
    log: options.log ?? { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    now: options.now,
  });
}

/**
 * The sweeper's next run, once a kept callback's first wait is over: it confirms callbacks whose
 * details read was put off (a repeat within the details read interval, e.g. the identical query
 * of a second capture in the same second).
 */
export function sweepKeptCallbacks(stack: CallbackStack) {
  // Each run a wait later than the last: its details read interval must be over too.
  lastSweepAt = Math.max(Date.now(), lastSweepAt) + FIRST_SWEEP_DELAY_MS + 1_000;
  const at = lastSweepAt;
  return confirmKeptCallbacksNow(stack, { now: () => new Date(at) });
}
let lastSweepAt = 0;

/** Every item of the file's table, for checks that no personal data was kept. */
export async function scanTable(tables: LocalTables): Promise<Record<string, unknown>[]> {
  const { Items = [] } = await tables.documents.send(
    new ScanCommand({ TableName: tables.names.reservations, ConsistentRead: true }),
  );
  return Items;
}
