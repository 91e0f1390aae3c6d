import { randomInt, randomUUID } from 'node:crypto';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { beforeAll, vi } from 'vitest';
import type { StatusChangeRecord } from '#shared/callbacks/status-change-record';
import {
  type ChecksumFormula,
  computeChecksum,
  parseRawQuery,
} from '#shared/front-payment/callback-checksum';
import type { ReservationRecord } from '#shared/reservations/reservation-record';
import { SESSION_STATUS_RANK, SESSION_STATUSES } from '#shared/reservations/reservation-status';
import { reservationKeys } from '#shared/reservations/table-design';
import type { RunningLocalEventBridge } from '../../infra/local/event-bridge-stand-in.ts';
import { localAwsClientConfig } from '../../infra/local/local-aws.ts';
import { httpApiEvent, lambdaContext } from './api-gateway-events.ts';
import { useLocalEventBridge } from './local-event-bridge.ts';
import { createLocalTables, type LocalTables } from './local-tables.ts';
import { setByHook } from './set-by-hook.ts';

export const CALLBACK_SECRET = 'local-callback-secret';
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

export function callbackEvent(rawQueryString: string): APIGatewayProxyEventV2 {
  return httpApiEvent({ method: 'GET', path: CALLBACK_PATH, rawQueryString });
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
  const reservationId = overrides.reservationId ?? `rsv_${randomUUID()}`;
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
    module.handler(event, lambdaContext()) as Promise<APIGatewayProxyStructuredResultV2>;
}

/** Replaces the Lambda's variables; optional ones not in `extra` are removed. */
export function setLambdaEnvironment(options: CallbackHandlerEnvironment): void {
  const optional = [
    'FRONT_PAYMENT_CALLBACK_SECRET',
    'CALLBACK_MAX_AGE_SECONDS',
    'CALLBACK_CHECKSUM_FORMULA',
    'CONFIRM_STATUS_WITH_FRONT_PAYMENT',
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
    POWERTOOLS_SERVICE_NAME: 'callback-test',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    FRONT_PAYMENT_CALLBACK_SECRET: CALLBACK_SECRET,
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

/** Read these inside tests and hooks: they are set before all tests run. */
export interface CallbackStack {
  /** The file's own tables in the shared DynamoDB Local. */
  readonly tables: LocalTables;
  readonly bridge: RunningLocalEventBridge;
  /** An SDK client on the stand-in, for code under test that publishes by itself. */
  readonly eventBridge: EventBridgeClient;
  /** Calls the callback Lambda loaded before all tests with this raw query. */
  send(rawQueryString: string): Promise<ParsedResponse>;
  /** The same, with the Lambda's whole answer (headers included). */
  invoke(rawQueryString: string): Promise<APIGatewayProxyStructuredResultV2>;
  /** A fresh callback Lambda on this file's tables and stand-in; `overrides` replace either. */
  loadHandler(overrides?: Partial<CallbackHandlerEnvironment>): Promise<HttpHandler>;
}

/**
 * Registers the hooks every callback test file needs: the local EventBridge stand-in (see
 * `useLocalEventBridge`), the file's tables, and the callback Lambda loaded on both.
 */
export function useCallbackStack(options: CallbackStackOptions = {}): CallbackStack {
  const events = useLocalEventBridge();
  let tables: LocalTables | undefined;
  let handler: HttpHandler | undefined;
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
    async send(rawQueryString) {
      const response = await stack.invoke(rawQueryString);
      return { statusCode: response.statusCode, body: JSON.parse(response.body ?? 'null') };
    },
    invoke: (rawQueryString) => setByHook(handler, 'handler')(callbackEvent(rawQueryString)),
    loadHandler: (overrides = {}) =>
      loadCallbackHandler({ tables: stack.tables, eventBridgeUrl: stack.bridge.url, ...overrides }),
  };

  beforeAll(async () => {
    tables = await createLocalTables();
    if (options.handler === false) return;
    handler = await stack.loadHandler(options.extra ? { extra: options.extra() } : {});
  });
  return stack;
}
