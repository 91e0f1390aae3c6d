import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Token, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer, HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ConfigurationError } from '#shared/errors';
import { DEFAULT_EVENT_SOURCE } from '#shared/events/status-changed-event';
import { statusEventPattern } from '#shared/events/status-event-pattern';
import type { ChecksumFormula } from '#shared/front-payment/callback-checksum';
import { reservationsTableDesign, sortKeyOf } from '#shared/reservations/table-design';
import { EventSchemas } from './event-schema.ts';
import { TIMEOUT_SECONDS } from './function-timeouts.ts';
import { HouseFunction, type HouseFunctionProps } from './house-function.ts';
import { ReservationsOperations } from './operations.ts';
import { RESERVATION_ROUTES } from './reservation-routes.ts';

/** Front Payment's demo environment. */
export const FRONT_PAYMENT_DEMO_URL = 'https://demo-api.frontpayment.no';
/** Front Payment's production environment: real payments, never in a throw-away stack. */
export const FRONT_PAYMENT_PRODUCTION_URL = 'https://apigo.frontpayment.no';
export const CREATE_RESERVATION_ROUTE = '/reservations';
/** The old callback path, kept for sessions created before our id was part of it. */
export const CALLBACK_ROUTE = '/callbacks/front-payment';
/** Our reservation id as a path segment: the callback finds the reservation without the index. */
export const CALLBACK_RESERVATION_ROUTE = `${CALLBACK_ROUTE}/{reservationId}`;
/** Route keys (`METHOD /path`), as the stage's route settings and the access log name them. */
export const CREATE_RESERVATION_ROUTE_KEY = apigwv2.HttpRouteKey.with(
  CREATE_RESERVATION_ROUTE,
  apigwv2.HttpMethod.POST,
).key;
export const CALLBACK_ROUTE_KEY = apigwv2.HttpRouteKey.with(
  CALLBACK_ROUTE,
  apigwv2.HttpMethod.GET,
).key;
export const CALLBACK_RESERVATION_ROUTE_KEY = apigwv2.HttpRouteKey.with(
  CALLBACK_RESERVATION_ROUTE,
  apigwv2.HttpMethod.GET,
).key;

export const FRONT_PAYMENT_TIMEOUT = Duration.seconds(TIMEOUT_SECONDS.frontPayment);
export const CREATE_SESSION_TIMEOUT = Duration.seconds(TIMEOUT_SECONDS.createSession);
export const RESERVATION_COMMANDS_TIMEOUT = Duration.seconds(TIMEOUT_SECONDS.reservationCommands);
export const RESERVATION_COMMANDS_FRONT_PAYMENT_TIMEOUT = Duration.seconds(
  TIMEOUT_SECONDS.reservationCommandsFrontPayment,
);
export const CALLBACK_TIMEOUT = Duration.seconds(TIMEOUT_SECONDS.callback);
export const CALLBACK_FRONT_PAYMENT_TIMEOUT = Duration.seconds(
  TIMEOUT_SECONDS.callbackFrontPayment,
);
export const PUBLISH_PENDING_TIMEOUT = Duration.seconds(TIMEOUT_SECONDS.publishPending);
export const PUBLISH_PENDING_SCHEDULE = Duration.minutes(1);
export const RECONCILE_TIMEOUT = Duration.seconds(TIMEOUT_SECONDS.reconcile);
export const DEFAULT_RECONCILE_INTERVAL = Duration.minutes(5);

export const DEFAULT_THROTTLE: apigwv2.ThrottleSettings = { rateLimit: 50, burstLimit: 100 };
/**
 * Front Payment sends one callback per status change (a few per reservation), far below this; the
 * limit only caps what a flood of forged callbacks costs in Lambda invocations.
 */
export const DEFAULT_CALLBACK_THROTTLE: apigwv2.ThrottleSettings = {
  rateLimit: 20,
  burstLimit: 40,
};
export const DEFAULT_MEMORY_SIZE = 512;
export const DEFAULT_ARCHIVE_RETENTION = Duration.days(365);

const functionsDirectory = fileURLToPath(new URL('../functions/', import.meta.url));
const entry = (name: string) => `${functionsDirectory}${name}/handler.ts`;

/** Who may call `POST /reservations`. */
export type ReservationsAuthorization =
  | {
      /** Callers sign requests with SigV4 and need `execute-api:Invoke` (see `grantCreateReservation`). */
      readonly mode: 'iam';
    }
  | {
      /** Callers send a JWT bearer token from an OIDC issuer (Cognito, Auth0, Entra ID…). */
      readonly mode: 'jwt';
      /** Issuer URL (`iss`), e.g. `https://cognito-idp.eu-north-1.amazonaws.com/<pool-id>`. */
      readonly issuer: string;
      /** Accepted audiences (`aud`, or `client_id` for Cognito access tokens). */
      readonly audience: readonly string[];
      /**
       * OAuth scopes the token must carry (any one of them).
       * @default - no scope required
       */
      readonly scopes?: readonly string[];
    };

export interface FrontPaymentReservationsProps {
  /**
   * Deployment stage, e.g. `dev`, `test`, `prod`, shown in descriptions. It does not decide what
   * survives a deletion of the stack: `throwAway` does.
   * @default 'dev'
   */
  readonly stage?: string;
  /**
   * A stack meant to be deleted with everything in it (a test, a demo). Then tables, secrets, the
   * event archive and log groups are DESTROYed with the stack, nothing has deletion protection
   * and logs are kept two weeks. Otherwise (the default, whatever the stage) all of them are
   * RETAINed when the stack deletes or replaces them, and the tables and log groups have deletion
   * protection. Refused together with Front Payment's production URL.
   * @default false
   */
  readonly throwAway?: boolean;
  /**
   * Front Payment API base URL.
   * @default 'https://demo-api.frontpayment.no' (demo; production is 'https://apigo.frontpayment.no')
   */
  readonly frontPaymentBaseUrl?: string;
  /**
   * Event bus that receives `Reservation Status Changed` events.
   * @default - a new event bus
   */
  readonly eventBus?: events.IEventBus;
  /**
   * `source` of the status events.
   * @default 'frontpayment.reservations'
   */
  readonly eventSource?: string;
  /**
   * Tax rates (percent) a product line may carry.
   * @default - the handler's default, 0, 12, 15 and 25 (Norwegian VAT rates)
   */
  readonly allowedTaxRates?: readonly number[];
  /**
   * How Front Payment computes the callback checksum (its documentation changed over time).
   * @default 'all-parameters'
   */
  readonly callbackChecksumFormula?: ChecksumFormula;
  /**
   * Oldest callback `timestamp` accepted (`CALLBACK_MAX_AGE_SECONDS`, whole seconds).
   * `Duration.seconds(0)` turns the age check off.
   * @default - the variable is left unset: the callback handler's default (24 hours) applies
   */
  readonly callbackMaxAge?: Duration;
  /**
   * Secret holding the Front Payment bearer token (a plain string). Import an existing one with
   * `secretsmanager.Secret.fromSecretCompleteArn()`.
   * @default - a new secret, created empty: put the token with `aws secretsmanager put-secret-value`
   */
  readonly frontPaymentTokenSecret?: secretsmanager.ISecret;
  /**
   * Secret holding the callback secret key Front Payment signs callbacks with (a plain string).
   * @default - a new secret, created empty: put the key with `aws secretsmanager put-secret-value`
   */
  readonly callbackSecret?: secretsmanager.ISecret;
  /**
   * The next callback secret key while the key is rotated: callbacks signed with either verify.
   * Remove it (after moving its value into `callbackSecret`) once the rotation is done.
   * @default - none: only `callbackSecret` verifies
   */
  readonly callbackSecretNext?: secretsmanager.ISecret;
  /**
   * A kept callback not confirmed with Front Payment's details for longer than this alarms.
   * @default Duration.minutes(30)
   */
  readonly unconfirmedCallbackAlarmAge?: Duration;
  /**
   * How often the reconciler runs (docs/reconciler.md).
   * @default Duration.minutes(5)
   */
  readonly reconcileInterval?: Duration;
  /**
   * Front Payment calls one reconciler run may make (its demo answers show 240 a minute).
   * @default 120
   */
  readonly reconcileCallBudget?: number;
  /**
   * How long Front Payment lets a reservation be captured (it documents 7 to 31 days, by
   * business rules); a `Reservation Capture Due` event is sent `captureDueLeadTime` before its end.
   * @default Duration.days(7)
   */
  readonly captureWindow?: Duration;
  /**
   * How early the `Reservation Capture Due` events come before the capture window and the charge
   * validity end.
   * @default Duration.days(1)
   */
  readonly captureDueLeadTime?: Duration;
  /**
   * A reservation unresolved (unknown outcome unsettled, or not checked while due) for longer
   * than this alarms.
   * @default Duration.hours(2)
   */
  readonly unresolvedReservationAlarmAge?: Duration;
  /**
   * Authorization of `POST /reservations`. `GET /callbacks/front-payment` is always public and
   * verified by its checksum.
   * @default { mode: 'iam' }
   */
  readonly authorization?: ReservationsAuthorization;
  /**
   * Steady-state and burst request limits of the API's default stage: they apply to any route
   * without limits of its own, and are the default of `createReservationThrottle`.
   * @default { rateLimit: 50, burstLimit: 100 }
   */
  readonly throttle?: apigwv2.ThrottleSettings;
  /**
   * Request limits of `POST /reservations` alone, so callback traffic cannot use them up.
   * @default - the stage's `throttle`
   */
  readonly createReservationThrottle?: apigwv2.ThrottleSettings;
  /**
   * Request limits of the public `GET /callbacks/front-payment` alone: a flood of forged callbacks
   * is answered 429 there and cannot starve `POST /reservations`.
   * @default { rateLimit: 20, burstLimit: 40 }
   */
  readonly callbackThrottle?: apigwv2.ThrottleSettings;
  /**
   * Retention of every log group (functions and API access logs).
   * @default - three months; two weeks in a throw-away stack
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Memory of each function in MB.
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * `LOG_LEVEL` of the functions.
   * @default 'INFO'
   */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /**
   * How long the event archive keeps status events for replay.
   * @default Duration.days(365)
   */
  readonly archiveRetention?: Duration;
  /**
   * Topic that receives alarm notifications.
   * @default - a new topic
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Email address subscribed to the alarm topic.
   * @default - no subscription
   */
  readonly alarmEmail?: string;
  /**
   * The lookup indexes (docs/lookups.md) the table has. CloudFormation adds one global secondary
   * index per update, so a stack deployed before the lookups existed upgrades in two deployments:
   * first `['by-reference-no']`, then without this prop (docs/deploy.md).
   * @default - both: by-reference-no and recent-reservations
   */
  readonly lookupIndexes?: readonly LookupIndexName[];
}

/** A lookup index of the reservations table (docs/lookups.md). */
export type LookupIndexName =
  | typeof reservationsTableDesign.indexes.byReferenceNo.name
  | typeof reservationsTableDesign.indexes.recentReservations.name;

const LOOKUP_INDEXES: readonly string[] = [
  reservationsTableDesign.indexes.byReferenceNo.name,
  reservationsTableDesign.indexes.recentReservations.name,
] satisfies LookupIndexName[];

const isLookupIndex = (name: string): name is LookupIndexName => LOOKUP_INDEXES.includes(name);

/** Options of `onStatus`. */
export interface OnStatusOptions {
  /**
   * Construct id of the rule (unique within this construct).
   * @default - derived from the statuses
   */
  readonly id?: string;
  /**
   * Description of the rule.
   * @default - names the statuses
   */
  readonly description?: string;
  /**
   * Physical name of the rule.
   * @default - generated
   */
  readonly ruleName?: string;
}

/** The secrets the functions read. */
export interface FrontPaymentSecrets {
  /** Front Payment bearer token: create-session (and callback when it confirms statuses). */
  readonly frontPaymentToken: secretsmanager.ISecret;
  /** Callback secret key: callback only. */
  readonly callbackSecret: secretsmanager.ISecret;
}

/**
 * Front Payment (FrontGo) reservations on AWS: `POST /reservations` creates a checkout session,
 * `GET /callbacks/front-payment` takes Front Payment's signed status callbacks, and every status
 * change becomes a `Reservation Status Changed` event on EventBridge (through a DynamoDB outbox,
 * swept every minute).
 */
export class FrontPaymentReservations extends Construct {
  /** The deployment stage. */
  readonly stage: string;
  /** Whether tables, secrets, the archive and logs are deleted with the stack (see the prop). */
  readonly throwAway: boolean;
  /** The HTTP API with `POST /reservations` and `GET /callbacks/front-payment`. */
  readonly httpApi: apigwv2.HttpApi;
  /** Its `$default` stage (throttling, access logs). */
  readonly httpStage: apigwv2.HttpStage;
  /** Base URL of the API (ends with `/`). */
  readonly apiUrl: string;
  /** Reservations, their status changes and the outbox of status events. */
  readonly table: dynamodb.Table;
  /** The bus status events are published on. */
  readonly eventBus: events.IEventBus;
  /** `source` of the status events. */
  readonly eventSource: string;
  /** Archive of our events on the bus, for replay. */
  readonly archive: events.Archive;
  /** Schema Registry with an entry per event type (status changed, capture due). */
  readonly eventSchema: EventSchemas;
  /** `POST /reservations`. */
  readonly createSessionFunction: lambda.IFunction;
  /** GET /reservations/{id} and the commands (one router function). */
  readonly reservationCommandsFunction: lambda.IFunction;
  /** `GET /callbacks/front-payment`. */
  readonly callbackFunction: lambda.IFunction;
  /** The outbox sweeper, run every minute. */
  readonly publishPendingFunction: lambda.IFunction;
  /** The reconciler, run every `reconcileInterval` (docs/reconciler.md). */
  readonly reconcileFunction: lambda.IFunction;
  /** The Front Payment token and callback secret (created empty, or the caller's). */
  readonly secrets: FrontPaymentSecrets;
  /** API access logs (JSON, no query strings). */
  readonly accessLogGroup: logs.LogGroup;
  /** Alarms, their topic and the dashboard. */
  readonly operations: ReservationsOperations;
  private statusRuleCount = 0;

  constructor(scope: Construct, id: string, props: FrontPaymentReservationsProps = {}) {
    super(scope, id);
    this.stage = props.stage ?? 'dev';
    this.throwAway = props.throwAway ?? false;
    this.eventSource = props.eventSource ?? DEFAULT_EVENT_SOURCE;
    const frontPaymentBaseUrl = props.frontPaymentBaseUrl ?? FRONT_PAYMENT_DEMO_URL;
    if (this.throwAway && isFrontPaymentProductionUrl(frontPaymentBaseUrl)) {
      throw new ConfigurationError(
        `throwAway is true but frontPaymentBaseUrl is Front Payment's production API ` +
          `(${FRONT_PAYMENT_PRODUCTION_URL}): a throw-away stack deletes its tables and secrets ` +
          'with the stack, so it must not take real payments. Drop throwAway (context ' +
          '`-c throwAway=true` / RESERVATIONS_THROW_AWAY) or use the demo URL ' +
          `${FRONT_PAYMENT_DEMO_URL}.`,
      );
    }
    // Payment data survives by default: only a stack declared throw-away may delete it.
    const removalPolicy = this.throwAway ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    const deletionProtection = !this.throwAway;
    const logRetention =
      props.logRetention ??
      (this.throwAway ? logs.RetentionDays.TWO_WEEKS : logs.RetentionDays.THREE_MONTHS);

    // Stateful resources first: tables, bus, secrets.
    this.table = this.createReservationsTable(
      statefulTableSettings(removalPolicy, deletionProtection),
      props.lookupIndexes ?? [
        reservationsTableDesign.indexes.byReferenceNo.name,
        reservationsTableDesign.indexes.recentReservations.name,
      ],
    );
    this.eventBus = props.eventBus ?? (new events.EventBus(this, 'event-bus') as events.IEventBus);
    this.archive = new events.Archive(this, 'event-archive', {
      sourceEventBus: this.eventBus,
      description: `Status events of ${this.eventSource}, kept for replay`,
      eventPattern: { source: [this.eventSource] },
      retention: props.archiveRetention ?? DEFAULT_ARCHIVE_RETENTION,
    });
    // The archive is what consumers replay missed events from: kept like the tables.
    this.archive.applyRemovalPolicy(removalPolicy);
    this.eventSchema = new EventSchemas(this, 'event-schema', {
      eventSource: this.eventSource,
    });
    this.secrets = {
      frontPaymentToken:
        props.frontPaymentTokenSecret ??
        (this.createEmptySecret(
          'front-payment-token',
          'Front Payment bearer token (issued by Front Payment)',
          removalPolicy,
        ) as secretsmanager.ISecret),
      callbackSecret:
        props.callbackSecret ??
        (this.createEmptySecret(
          'callback-secret',
          'Front Payment callback secret key (issued by Front Payment)',
          removalPolicy,
        ) as secretsmanager.ISecret),
    };

    // The API comes before the functions: create-session needs its URL, and only the routes
    // (not the API itself) depend on the functions, so there is no cycle.
    this.accessLogGroup = new logs.LogGroup(this, 'api-access-logs', {
      retention: logRetention,
      removalPolicy,
      deletionProtectionEnabled: deletionProtection,
    });
    this.httpApi = new apigwv2.HttpApi(this, 'http-api', {
      description: `Front Payment reservations (${this.stage})`,
      // Our own default stage below, because only a stage created explicitly takes access logs.
      createDefaultStage: false,
    });
    const stageThrottle = props.throttle ?? DEFAULT_THROTTLE;
    this.httpStage = new apigwv2.HttpStage(this, 'http-api-stage', {
      httpApi: this.httpApi,
      autoDeploy: true,
      throttle: stageThrottle,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogGroup),
        format: ACCESS_LOG_FORMAT,
      },
    });
    this.apiUrl = this.httpStage.url;

    const common = {
      memorySize: props.memorySize ?? DEFAULT_MEMORY_SIZE,
      logRetention,
      removalPolicy,
      logDeletionProtection: deletionProtection,
      ...(props.logLevel ? { logLevel: props.logLevel } : {}),
    };

    const createSession = new HouseFunction(this, 'create-session', {
      ...common,
      entry: entry('create-session'),
      description: 'POST /reservations: creates a Front Payment checkout session',
      serviceName: 'create-session',
      timeout: CREATE_SESSION_TIMEOUT,
    })
      // The reservation repository reads with GetItem and writes with (conditional) UpdateItem
      // only; the reservation item is the Idempotency-Key's record too.
      .bindTable('RESERVATIONS_TABLE_NAME', this.table, {
        tableActions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
      })
      .bindFrontPayment(this.secrets.frontPaymentToken, frontPaymentBaseUrl, FRONT_PAYMENT_TIMEOUT)
      // The API endpoint (no trailing slash) depends on the API only, not on a route: no cycle.
      .setEnvironment('CALLBACK_BASE_URL', this.httpApi.apiEndpoint);
    if (props.allowedTaxRates) {
      createSession.setEnvironment('ALLOWED_TAX_RATES', props.allowedTaxRates.join(','));
    }

    const callback = new HouseFunction(this, 'callback', {
      ...common,
      entry: entry('callback'),
      description:
        'GET /callbacks/front-payment/{reservationId} (and the old path without it): keeps, confirms and records Front Payment callbacks',
      serviceName: 'callback',
      timeout: CALLBACK_TIMEOUT,
    })
      .bindTable('RESERVATIONS_TABLE_NAME', this.table, {
        // PutItem: the kept callback (inbox). GetItem: consistent reads of the reservation. PutItem
        // and UpdateItem: the TransactWriteItems that records the changes is authorised per item
        // (a Put per change, Updates of the reservation and of the kept callback); UpdateItem also
        // clears the outbox lease and marker. Query only on the index below (the old path).
        tableActions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        queryIndexes: [reservationsTableDesign.indexes.byFrontPaymentUuid.name],
      })
      .bindSecret('FRONT_PAYMENT_CALLBACK_SECRET_ARN', this.secrets.callbackSecret)
      // Details are the truth about every change: the callback always reads them.
      .bindFrontPayment(
        this.secrets.frontPaymentToken,
        frontPaymentBaseUrl,
        CALLBACK_FRONT_PAYMENT_TIMEOUT,
      )
      .bindStatusEvents(this.eventBus, this.eventSource)
      .setEnvironment(
        'CALLBACK_CHECKSUM_FORMULA',
        props.callbackChecksumFormula ?? 'all-parameters',
      );
    if (props.callbackSecretNext) {
      callback.bindSecret('FRONT_PAYMENT_CALLBACK_SECRET_NEXT_ARN', props.callbackSecretNext);
    }
    // Compared with undefined, not truthiness: `Duration.seconds(0)` (age check off) must reach
    // the handler as "0"; unset leaves the handler's own default.
    if (props.callbackMaxAge !== undefined) {
      callback.setEnvironment('CALLBACK_MAX_AGE_SECONDS', String(props.callbackMaxAge.toSeconds()));
    }

    const publishPending = new HouseFunction(this, 'publish-pending', {
      ...common,
      entry: entry('publish-pending'),
      description:
        'Every minute: confirms kept callbacks, publishes status events still waiting in the outbox',
      serviceName: 'publish-pending',
      timeout: PUBLISH_PENDING_TIMEOUT,
    })
      // It lists due kept callbacks and pending events on their indexes, and claims, releases and
      // clears each with conditional UpdateItem. Confirming a callback reads the reservation (GetItem;
      // Query on the lookup index for the old path) and records its changes in a transaction
      // (PutItem and UpdateItem per item).
      .bindTable('RESERVATIONS_TABLE_NAME', this.table, {
        tableActions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        queryIndexes: [
          reservationsTableDesign.indexes.pendingEvents.name,
          reservationsTableDesign.indexes.dueCallbacks.name,
          reservationsTableDesign.indexes.byFrontPaymentUuid.name,
        ],
      })
      .bindFrontPayment(
        this.secrets.frontPaymentToken,
        frontPaymentBaseUrl,
        CALLBACK_FRONT_PAYMENT_TIMEOUT,
      )
      .bindStatusEvents(this.eventBus, this.eventSource);
    new events.Rule(this, 'publish-pending-schedule', {
      description: 'Runs the outbox sweeper every minute',
      schedule: events.Schedule.rate(PUBLISH_PENDING_SCHEDULE),
      // The next run a minute later is the retry; a retried stale run would only overlap it.
      targets: [new targets.LambdaFunction(publishPending.function, { retryAttempts: 0 })],
    });

    const reconcile = this.createReconciler(props, common, frontPaymentBaseUrl);
    const reservationCommands = new HouseFunction(this, 'reservation-commands', {
      ...common,
      entry: entry('reservation-commands'),
      description:
        'GET /reservations?…, GET /reservations/{id} and POST /reservations/{id}/{capture,charge,cancel,complete,refund,resend}',
      serviceName: 'reservation-commands',
      timeout: RESERVATION_COMMANDS_TIMEOUT,
    })
      // GetItem: the reservation and a command's record; UpdateItem: the command record
      // (conditional, the Idempotency-Key's record) and, with PutItem, the transaction that
      // records changes from the details. Query on the table: the reservation's own partition
      // for GET (the reservation, its changes and its commands). The lookups (GET /reservations?…)
      // query their three indexes and read a page's reservations with BatchGetItem.
      .bindTable('RESERVATIONS_TABLE_NAME', this.table, {
        tableActions: [
          'dynamodb:BatchGetItem',
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:Query',
        ],
        queryIndexes: [
          reservationsTableDesign.indexes.byFrontPaymentUuid.name,
          reservationsTableDesign.indexes.byReferenceNo.name,
          reservationsTableDesign.indexes.recentReservations.name,
        ],
      })
      .bindFrontPayment(
        this.secrets.frontPaymentToken,
        frontPaymentBaseUrl,
        RESERVATION_COMMANDS_FRONT_PAYMENT_TIMEOUT,
      )
      .bindStatusEvents(this.eventBus, this.eventSource);
    if (props.allowedTaxRates) {
      reservationCommands.setEnvironment('ALLOWED_TAX_RATES', props.allowedTaxRates.join(','));
    }

    this.createSessionFunction = createSession.function;
    this.reservationCommandsFunction = reservationCommands.function;
    this.callbackFunction = callback.function;
    this.publishPendingFunction = publishPending.function;
    this.reconcileFunction = reconcile.function;

    // One authorizer for POST /reservations and the reservation routes.
    const authorization = {
      authorizer: reservationsAuthorizer(props.authorization ?? { mode: 'iam' }),
      ...(props.authorization?.mode === 'jwt' && props.authorization.scopes
        ? { authorizationScopes: [...props.authorization.scopes] }
        : {}),
    };
    const [createRoute] = this.httpApi.addRoutes({
      path: CREATE_RESERVATION_ROUTE,
      methods: [apigwv2.HttpMethod.POST],
      integration: new HttpLambdaIntegration('create-session-integration', createSession.function),
      ...authorization,
    });
    const commandsIntegration = new HttpLambdaIntegration(
      'reservation-commands-integration',
      reservationCommands.function,
    );
    const reservationRoutes = RESERVATION_ROUTES.flatMap(({ method, path }) =>
      this.httpApi.addRoutes({
        path,
        methods: [apigwv2.HttpMethod[method]],
        integration: commandsIntegration,
        // The same authorization as POST /reservations.
        ...authorization,
      }),
    );
    const callbackIntegration = new HttpLambdaIntegration(
      'callback-integration',
      callback.function,
    );
    const [callbackRoute] = this.httpApi.addRoutes({
      path: CALLBACK_ROUTE,
      methods: [apigwv2.HttpMethod.GET],
      integration: callbackIntegration,
    });
    const [callbackReservationRoute] = this.httpApi.addRoutes({
      path: CALLBACK_RESERVATION_ROUTE,
      methods: [apigwv2.HttpMethod.GET],
      integration: callbackIntegration,
    });
    const callbackThrottle = props.callbackThrottle ?? DEFAULT_CALLBACK_THROTTLE;
    this.setRouteThrottling(
      {
        [CREATE_RESERVATION_ROUTE_KEY]: props.createReservationThrottle ?? stageThrottle,
        [CALLBACK_ROUTE_KEY]: callbackThrottle,
        [CALLBACK_RESERVATION_ROUTE_KEY]: callbackThrottle,
      },
      // The reservation routes use the stage's default limits.
      [createRoute, callbackRoute, callbackReservationRoute, ...reservationRoutes],
    );
    for (const route of [callbackRoute, callbackReservationRoute]) {
      Validations.of(route ?? this.httpApi).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'Front Payment calls this URL with a plain GET and no credentials; every call is verified ' +
          'in the function by its SHA-256 checksum over the query with the shared callback secret ' +
          'and answered 403 when it does not match.',
      });
    }

    this.operations = new ReservationsOperations(this, 'operations', {
      functions: [
        { name: 'create-session', function: createSession.function },
        { name: 'callback', function: callback.function },
        { name: 'publish-pending', function: publishPending.function },
        { name: 'reconcile', function: reconcile.function },
        { name: 'reservation-commands', function: reservationCommands.function },
      ],
      httpApi: this.httpApi as apigwv2.IHttpApi,
      accessLogGroup: this.accessLogGroup,
      callbackRouteKeys: [CALLBACK_ROUTE_KEY, CALLBACK_RESERVATION_ROUTE_KEY],
      callbackLogGroup: callback.logGroup,
      reservationCommandsLogGroup: reservationCommands.logGroup,
      publishPendingFunction: publishPending.function,
      publishPendingLogGroup: publishPending.logGroup,
      reconcileLogGroup: reconcile.logGroup,
      ...(props.unresolvedReservationAlarmAge
        ? { unresolvedReservationAge: props.unresolvedReservationAlarmAge }
        : {}),
      ...(props.unconfirmedCallbackAlarmAge
        ? { unconfirmedCallbackAge: props.unconfirmedCallbackAlarmAge }
        : {}),
      ...(props.alarmTopic ? { alarmTopic: props.alarmTopic } : {}),
      ...(props.alarmEmail ? { alarmEmail: props.alarmEmail } : {}),
    });
  }

  /**
   * Subscribes `target` to status events whose `detail.status` is one of `statuses`, e.g.
   * `onStatus(['CHARGED'], new targets.SqsQueue(queue))`. Returns the rule.
   */
  onStatus(
    statuses: readonly string[],
    target: events.IRuleTarget,
    options: OnStatusOptions = {},
  ): events.Rule {
    if (statuses.length === 0) {
      throw new Error('onStatus needs at least one status');
    }
    this.statusRuleCount += 1;
    const id =
      options.id ??
      `on-status-${statuses.map((status) => status.toLowerCase()).join('-')}-${this.statusRuleCount}`;
    return new events.Rule(this, id, {
      eventBus: this.eventBus,
      description: options.description ?? `Reservation status ${statuses.join(', ')}`,
      ...(options.ruleName ? { ruleName: options.ruleName } : {}),
      eventPattern: statusEventPattern(this.eventSource, statuses),
      targets: [target],
    });
  }

  /**
   * Allows `grantee` to call `POST /reservations` when authorization is IAM (SigV4 signed
   * requests), on this one route of this API only.
   */
  grantCreateReservation(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['execute-api:Invoke'],
      resourceArns: [
        this.httpApi.arnForExecuteApi('POST', CREATE_RESERVATION_ROUTE, this.httpStage.stageName),
      ],
    });
  }

  /**
   * Allows `grantee` to read reservations and to send them every command (capture, charge,
   * cancel, complete, refund, resend) when authorization is IAM, on those routes only.
   */
  grantManageReservations(grantee: iam.IGrantable): iam.Grant {
    return this.grantReservationRoutes(grantee, RESERVATION_ROUTES);
  }

  /**
   * Allows `grantee` to read reservations (`GET /reservations/{id}`) and to look them up
   * (`GET /reservations?…`) when authorization is IAM.
   */
  grantReadReservations(grantee: iam.IGrantable): iam.Grant {
    return this.grantReservationRoutes(
      grantee,
      RESERVATION_ROUTES.filter((route) => route.method === 'GET'),
    );
  }

  private grantReservationRoutes(
    grantee: iam.IGrantable,
    routes: typeof RESERVATION_ROUTES,
  ): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['execute-api:Invoke'],
      resourceArns: routes.map(({ method, path }) =>
        this.httpApi.arnForExecuteApi(
          method,
          // Any reservation id: a path parameter is one segment of the resource ARN.
          path.replace('{reservationId}', '*'),
          this.httpStage.stageName,
        ),
      ),
    });
  }

  /**
   * Gives each route its own throttling through the L1 stage's `RouteSettings` (the L2 `HttpStage`
   * only sets the stage default). The settings name routes by key and API Gateway refuses keys it
   * does not know yet ("Unable to find Route by key"), so the stage waits for the routes.
   */
  private setRouteThrottling(
    limits: Record<string, apigwv2.ThrottleSettings>,
    routes: readonly (apigwv2.HttpRoute | undefined)[],
  ): void {
    const stage = this.httpStage.node.defaultChild as apigwv2.CfnStage;
    stage.routeSettings = Object.fromEntries(
      Object.entries(limits).map(([routeKey, limit]) => [
        routeKey,
        {
          ...(limit.rateLimit === undefined ? {} : { ThrottlingRateLimit: limit.rateLimit }),
          ...(limit.burstLimit === undefined ? {} : { ThrottlingBurstLimit: limit.burstLimit }),
        },
      ]),
    );
    for (const route of routes) {
      if (route) this.httpStage.node.addDependency(route);
    }
  }

  /**
   * The reconciler (docs/reconciler.md): walks the open-reservations index on a schedule and
   * brings each reservation up to date with Front Payment's details.
   */
  private createReconciler(
    props: FrontPaymentReservationsProps,
    common: Omit<HouseFunctionProps, 'entry' | 'description' | 'serviceName' | 'timeout'>,
    frontPaymentBaseUrl: string,
  ): HouseFunction {
    const interval = props.reconcileInterval ?? DEFAULT_RECONCILE_INTERVAL;
    const reconcile = new HouseFunction(this, 'reconcile', {
      ...common,
      entry: entry('reconcile'),
      description:
        'On a schedule: settles unknown outcomes, records missed changes, expires links, warns of deadlines',
      serviceName: 'reconcile',
      timeout: RECONCILE_TIMEOUT,
    })
      // Query on the open-reservations index, on the uuid lookup index (the search for an
      // unknown outcome skips sessions our other reservations hold), and on the table for one
      // reservation's own partition (its commands of unknown outcome); GetItem for consistent
      // reads; conditional UpdateItem to settle, reschedule, mark warnings and keep the search's
      // cursor; PutItem and UpdateItem for the TransactWriteItems that records changes and for
      // the outbox marks.
      .bindTable('RESERVATIONS_TABLE_NAME', this.table, {
        tableActions: [
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:Query',
        ],
        queryIndexes: [
          reservationsTableDesign.indexes.openReservations.name,
          reservationsTableDesign.indexes.byFrontPaymentUuid.name,
        ],
      })
      .bindFrontPayment(
        this.secrets.frontPaymentToken,
        frontPaymentBaseUrl,
        CALLBACK_FRONT_PAYMENT_TIMEOUT,
      )
      .bindStatusEvents(this.eventBus, this.eventSource);
    if (props.reconcileCallBudget !== undefined) {
      reconcile.setEnvironment('RECONCILE_CALL_BUDGET', String(props.reconcileCallBudget));
    }
    if (props.captureWindow) {
      reconcile.setEnvironment('CAPTURE_WINDOW_DAYS', String(props.captureWindow.toDays()));
    }
    if (props.captureDueLeadTime) {
      reconcile.setEnvironment(
        'CAPTURE_DUE_LEAD_HOURS',
        String(props.captureDueLeadTime.toHours()),
      );
    }
    new events.Rule(this, 'reconcile-schedule', {
      description: `Runs the reconciler every ${interval.toHumanString()}`,
      schedule: events.Schedule.rate(interval),
      // The next run is the retry: what a run did not reach stays due.
      targets: [new targets.LambdaFunction(reconcile.function, { retryAttempts: 0 })],
    });
    return reconcile;
  }

  private createReservationsTable(
    settings: StatefulTableSettings,
    lookupIndexes: readonly LookupIndexName[],
  ): dynamodb.Table {
    const design = reservationsTableDesign;
    const table = new dynamodb.Table(this, 'reservations-table', {
      partitionKey: { name: design.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: design.sortKey, type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: design.timeToLiveAttribute,
      ...settings,
    });
    // Every index of the design (table-design.ts says what each holds), KEYS_ONLY as in the
    // local tables: readers fetch the items by key afterwards; a lookup page reads its
    // reservations with one BatchGetItem. The lookup indexes only as asked: CloudFormation adds
    // one index per update (docs/deploy.md).
    for (const index of Object.values(design.indexes)) {
      if (isLookupIndex(index.name) && !lookupIndexes.includes(index.name)) continue;
      const indexSortKey = sortKeyOf(index);
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        ...(indexSortKey
          ? {
              sortKey: {
                name: indexSortKey.name,
                type:
                  indexSortKey.type === 'N'
                    ? dynamodb.AttributeType.NUMBER
                    : dynamodb.AttributeType.STRING,
              },
            }
          : {}),
        projectionType: dynamodb.ProjectionType.KEYS_ONLY,
      });
    }
    return table;
  }

  /**
   * A secret with no value at all: CloudFormation creates an empty secret when neither
   * `SecretString` nor `GenerateSecretString` is set. A generated value would be wrong (the token
   * and the key are issued by Front Payment) and a placeholder would look valid; an empty secret
   * makes the function fail loudly until the real value is put.
   */
  private createEmptySecret(
    id: string,
    description: string,
    removalPolicy: RemovalPolicy,
  ): secretsmanager.Secret {
    const secret = new secretsmanager.Secret(this, id, { description, removalPolicy });
    (secret.node.defaultChild as secretsmanager.CfnSecret).addPropertyDeletionOverride(
      'GenerateSecretString',
    );
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The value is issued by Front Payment and can only be changed by Front Payment; no rotation ' +
        'Lambda can create a new one. Replace it with put-secret-value when Front Payment issues a new one.',
    });
    return secret;
  }
}

/**
 * Access log line (JSON). No query string and no request or response body: the callback's query
 * carries the checksum, amounts and payment method, and the bodies carry customer data.
 * `$context.path` is the path without its query.
 */
export const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  sourceIp: '$context.identity.sourceIp',
  httpMethod: '$context.httpMethod',
  routeKey: '$context.routeKey',
  path: '$context.path',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationStatus: '$context.integrationStatus',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  errorMessage: '$context.error.message',
  authorizerError: '$context.authorizer.error',
} as const;
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS));

type StatefulTableSettings = ReturnType<typeof statefulTableSettings>;

function statefulTableSettings(removalPolicy: RemovalPolicy, deletionProtection: boolean) {
  return {
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    // The key lives in the account's KMS (aws/dynamodb) and shows in CloudTrail; no key to manage.
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    deletionProtection,
    removalPolicy,
  };
}

/**
 * Whether `url` points at Front Payment's production API. A token (a URL only known at deploy
 * time, such as a stub's function URL) is not production.
 */
export function isFrontPaymentProductionUrl(url: string): boolean {
  if (Token.isUnresolved(url)) return false;
  try {
    return new URL(url).host === new URL(FRONT_PAYMENT_PRODUCTION_URL).host;
  } catch {
    return false;
  }
}

function reservationsAuthorizer(
  authorization: ReservationsAuthorization,
): apigwv2.IHttpRouteAuthorizer {
  if (authorization.mode === 'iam') return new HttpIamAuthorizer();
  return new HttpJwtAuthorizer('jwt-authorizer', authorization.issuer, {
    jwtAudience: [...authorization.audience],
  });
}
