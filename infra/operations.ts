import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import {
  CALLBACK_AGE_FIELD,
  CALLBACK_NOT_CONFIRMED,
  ORPHAN_SESSION_ADOPTED,
  SIGNED_CALLBACK_NOT_UNDERSTOOD,
  UNMATCHED_CALLBACK_KEPT,
  UNMATCHED_CALLBACK_SET_ASIDE,
} from '#shared/callbacks/callback-log';
import {
  COMMAND_OUTCOME_AMBIGUOUS,
  COMMAND_OUTCOME_UNKNOWN,
  COMMAND_OUTCOME_UNRESOLVED,
} from '#shared/commands/command-log';
import {
  OLDEST_PENDING_AGE_FIELD,
  OUTBOX_SWEPT,
  STATUS_EVENT_NOT_PUBLISHED,
} from '#shared/events/outbox-log';
import {
  FAILED_FIELD,
  RECONCILE_SUMMARY,
  UNRESOLVED_SECONDS_FIELD,
} from '#shared/reservations/reconcile-log';

/**
 * Alarm thresholds, each over one 5-minute period. docs/deploy.md says what each alarm means and
 * what to do when it fires.
 */
export const ALARM_PERIOD = Duration.minutes(5);
export const ALARM_THRESHOLDS = {
  /** Invocations that ended in an unhandled error. The handlers answer known failures themselves. */
  functionErrors: 1,
  /** Invocations Lambda refused for lack of concurrency. */
  functionThrottles: 1,
  /** Status events PutEvents did not take; each one waits in the outbox for the sweeper. */
  statusEventsNotPublished: 5,
  /** Age of the oldest status event still waiting in the outbox, in seconds. */
  outboxAgeSeconds: 600,
  /** Sweeper runs: fewer than this (it is scheduled every minute) means it is not running. */
  sweeperInvocations: 1,
  /** Callbacks for a reservation we do not know, kept as unmatched instead of recorded. */
  unmatchedCallbacks: 1,
  /** Unmatched callbacks the sweeper stopped trying (kept for an operator): the first alarms. */
  unmatchedCallbacksSetAside: 1,
  /** Signed callbacks whose status word or parameters we do not know: the first one alarms. */
  signedCallbacksNotUnderstood: 1,
  /** Callbacks answered 403 (bad or missing checksum, too old). */
  callbackRejections: 10,
  /** Answers of the HTTP API with a 5xx status. */
  api5xx: 5,
  /** Reservations the reconciler failed to check (each stays due and is tried next run). */
  reconcilerFailures: 5,
  /** Commands whose answer from Front Payment was lost: each one needs settling from details. */
  commandOutcomesUnknown: 1,
  /** Sessions of a create we thought failed or unknown, recorded from a signed callback. */
  orphanSessionsAdopted: 1,
  /** Commands of unknown outcome that only a guess could settle (docs/commands.md). */
  commandOutcomesAmbiguous: 1,
  /** Commands whose outcome stayed unknown past the grace period: an operator must decide. */
  commandOutcomesUnresolved: 1,
} as const;

/** Log messages the handlers write (JSON lines, field `message`) that metric filters read. */
export const LOG_MESSAGES = {
  /** WARN from the callback and the sweeper: PutEvents failed, the event stays in the outbox. */
  statusEventNotPublished: STATUS_EVENT_NOT_PUBLISHED,
  /** INFO from the sweeper on every run that found pending events, with their oldest age. */
  outboxSwept: OUTBOX_SWEPT,
  /** WARN from the callback: no reservation has the uuid. */
  unmatchedCallback: UNMATCHED_CALLBACK_KEPT,
  /** ERROR from the sweeper: an unmatched callback's last try failed; kept, no longer tried. */
  unmatchedCallbackSetAside: UNMATCHED_CALLBACK_SET_ASIDE,
  /** WARN from the callback: signed, but not in the documented form; kept and confirmed. */
  signedCallbackNotUnderstood: SIGNED_CALLBACK_NOT_UNDERSTOOD,
  /** WARN from the callback and the sweeper, with the kept callback's age: not confirmed yet. */
  callbackNotConfirmed: CALLBACK_NOT_CONFIRMED,
  /**
   * WARN from the reservation commands and the reconciler: a command's answer was lost, or its
   * Lambda stopped after sending; it is not resent.
   */
  commandOutcomeUnknown: COMMAND_OUTCOME_UNKNOWN,
  /** WARN from the callback and the sweeper: an orphan session was recorded on our reservation. */
  orphanSessionAdopted: ORPHAN_SESSION_ADOPTED,
  /** WARN from both: Front Payment's records could settle a command only by a guess. */
  commandOutcomeAmbiguous: COMMAND_OUTCOME_AMBIGUOUS,
  /** WARN from both: a command stays unknown past the grace period and is no longer watched. */
  commandOutcomeUnresolved: COMMAND_OUTCOME_UNRESOLVED,
} as const;

/** How long a reservation may stay unresolved before the reconciler's alarm fires. */
export const DEFAULT_UNRESOLVED_RESERVATION_AGE = Duration.hours(2);

/** How long a kept callback may stay unconfirmed before its alarm fires, unless set otherwise. */
export const DEFAULT_UNCONFIRMED_CALLBACK_AGE = Duration.minutes(30);

export { OLDEST_PENDING_AGE_FIELD };

export interface MonitoredFunction {
  /** Short name used in alarm ids and dashboard titles, e.g. `create-session`. */
  readonly name: string;
  readonly function: IFunction;
}

export interface ReservationsOperationsProps {
  readonly functions: readonly MonitoredFunction[];
  readonly httpApi: IHttpApi;
  /** The API's access log group (JSON lines with `routeKey` and `status`). */
  readonly accessLogGroup: logs.ILogGroup;
  /** Route keys of the callback, e.g. `GET /callbacks/front-payment`: their 403s are rejections. */
  readonly callbackRouteKeys: readonly string[];
  /** Log group of the callback function (events not yet published, unmatched callbacks). */
  readonly callbackLogGroup: logs.ILogGroup;
  /** The outbox sweeper, scheduled every minute: a heartbeat alarm watches its invocations. */
  readonly publishPendingFunction: IFunction;
  /**
   * A kept callback not confirmed with Front Payment's details for longer than this alarms
   * (Front Payment down, or a callback for a reservation we do not know).
   * @default DEFAULT_UNCONFIRMED_CALLBACK_AGE
   */
  readonly unconfirmedCallbackAge?: Duration;
  /** Log group of the reservation commands function (commands of unknown outcome). */
  readonly reservationCommandsLogGroup: logs.ILogGroup;
  /** Log group of the outbox sweeper (events still not published, the oldest pending age). */
  readonly publishPendingLogGroup: logs.ILogGroup;
  /** The reconciler's log group (its summary line per run). */
  readonly reconcileLogGroup: logs.ILogGroup;
  /**
   * Alarm when a reservation stays unresolved longer than this (an unknown outcome unsettled, or
   * a due reservation not checked).
   * @default Duration.hours(2)
   */
  readonly unresolvedReservationAge?: Duration;
  /**
   * Topic that receives alarm and OK notifications.
   * @default - a new topic
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Email address subscribed to the alarm topic (the recipient must confirm the subscription).
   * @default - no subscription
   */
  readonly alarmEmail?: string;
}

/** Alarms, the metric filters they need, the topic they notify, and one dashboard. */
export class ReservationsOperations extends Construct {
  readonly alarmTopic: sns.ITopic;
  readonly alarms: Record<string, cloudwatch.Alarm> = {};
  readonly dashboard: cloudwatch.Dashboard;
  /** Namespace of the metrics made from log lines; one per stack so stages do not mix. */
  readonly metricNamespace: string;

  constructor(scope: Construct, id: string, props: ReservationsOperationsProps) {
    super(scope, id);
    this.metricNamespace = `FrontPaymentReservations/${Stack.of(this).stackName}`;
    this.alarmTopic = props.alarmTopic ?? this.createTopic();
    if (props.alarmEmail) {
      this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));
    }

    const functionRows: cloudwatch.IWidget[] = [];
    for (const { name, function: fn } of props.functions) {
      const errors = fn.metricErrors({ period: ALARM_PERIOD, statistic: 'Sum' });
      const throttles = fn.metricThrottles({ period: ALARM_PERIOD, statistic: 'Sum' });
      this.addAlarm(`${name}-errors`, errors, ALARM_THRESHOLDS.functionErrors, {
        description: `${name}: invocations ended in an unhandled error. See "Alarms" in docs/deploy.md.`,
      });
      this.addAlarm(`${name}-throttles`, throttles, ALARM_THRESHOLDS.functionThrottles, {
        description: `${name}: Lambda throttled invocations. See "Alarms" in docs/deploy.md.`,
      });
      functionRows.push(
        new cloudwatch.GraphWidget({
          title: `${name}: invocations, errors, throttles`,
          left: [fn.metricInvocations({ period: ALARM_PERIOD }), errors, throttles],
          width: 12,
        }),
        new cloudwatch.GraphWidget({
          title: `${name}: duration (p50, p99)`,
          left: [
            fn.metricDuration({ period: ALARM_PERIOD, statistic: 'p50' }),
            fn.metricDuration({ period: ALARM_PERIOD, statistic: 'p99' }),
          ],
          width: 12,
        }),
      );
    }

    // From the callback and the sweeper: the alarm sees both paths as one number.
    const notPublished = this.alarmOnLogMessage('status-events-not-published', {
      message: LOG_MESSAGES.statusEventNotPublished,
      metricName: 'StatusEventsNotPublished',
      filters: {
        'callback-events-not-published': props.callbackLogGroup,
        'sweeper-events-not-published': props.publishPendingLogGroup,
      },
      threshold: ALARM_THRESHOLDS.statusEventsNotPublished,
      description:
        'EventBridge PutEvents failed for status events; they wait in the outbox and the sweeper retries every minute.',
    });

    // From the sweeper's summary line, written on every run that found pending events, so a stuck
    // outbox shows even when no PutEvents failed. No line means nothing pending: missing data is
    // fine here, and the heartbeat below covers a sweeper that does not run at all.
    const outboxAge = new logs.MetricFilter(this, 'outbox-age-filter', {
      logGroup: props.publishPendingLogGroup,
      filterPattern: logs.FilterPattern.all(
        logs.FilterPattern.stringValue('$.message', '=', LOG_MESSAGES.outboxSwept),
        // Numeric on purpose: the metric value is this field, so it must be a number.
        logs.FilterPattern.numberValue(`$.${OLDEST_PENDING_AGE_FIELD}`, '>=', 0),
      ),
      metricNamespace: this.metricNamespace,
      metricName: 'OutboxAgeSeconds',
      metricValue: `$.${OLDEST_PENDING_AGE_FIELD}`,
      unit: cloudwatch.Unit.SECONDS,
    }).metric({ period: ALARM_PERIOD, statistic: 'Maximum' });
    this.addAlarm('outbox-age', outboxAge, ALARM_THRESHOLDS.outboxAgeSeconds, {
      description:
        'A status event has waited in the outbox longer than 10 minutes: consumers have not heard of a payment.',
    });

    // Lambda publishes no Invocations data point for a period without invocations, so missing
    // data is the signal here: the schedule is disabled or broken and nothing sweeps the outbox.
    const sweeperRuns = props.publishPendingFunction.metricInvocations({
      period: ALARM_PERIOD,
      statistic: 'Sum',
    });
    this.addAlarm('publish-pending-heartbeat', sweeperRuns, ALARM_THRESHOLDS.sweeperInvocations, {
      description:
        'The outbox sweeper did not run for 5 minutes (it is scheduled every minute): status events that failed to publish are not retried.',
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });

    const unmatched = this.alarmOnLogMessage('unmatched-callbacks', {
      message: LOG_MESSAGES.unmatchedCallback,
      metricName: 'UnmatchedCallbacks',
      filters: { 'unmatched-callbacks': props.callbackLogGroup },
      threshold: ALARM_THRESHOLDS.unmatchedCallbacks,
      description:
        'A verified callback named a reservation we do not know; it is kept as unmatched and no status event was sent.',
    });

    this.alarmOnLogMessage('unmatched-callbacks-set-aside', {
      message: LOG_MESSAGES.unmatchedCallbackSetAside,
      metricName: 'UnmatchedCallbacksSetAside',
      filters: { 'unmatched-callbacks-set-aside': props.publishPendingLogGroup },
      threshold: ALARM_THRESHOLDS.unmatchedCallbacksSetAside,
      description:
        'The sweeper stopped trying a kept callback that matched no reservation of ours after its last try; it stays in the table (console: set aside). See "Alarms" in docs/deploy.md.',
    });

    this.addCommandOutcomeAlarms(props);

    // A callback adopts an orphan session; so does the sweeper when it confirms a kept one later.
    this.alarmOnLogMessage('orphan-sessions-adopted', {
      message: LOG_MESSAGES.orphanSessionAdopted,
      metricName: 'OrphanSessionsAdopted',
      filters: {
        'orphan-sessions-adopted': props.callbackLogGroup,
        'sweeper-orphan-sessions-adopted': props.publishPendingLogGroup,
      },
      threshold: ALARM_THRESHOLDS.orphanSessionsAdopted,
      description:
        'Front Payment called back for a session of a create we had answered as failed or unknown; the session was recorded on its reservation (docs/reconciler.md). Tell the merchant: their retry may have sent the customer a second link.',
    });

    this.alarmOnLogMessage('signed-callbacks-not-understood', {
      message: LOG_MESSAGES.signedCallbackNotUnderstood,
      metricName: 'SignedCallbacksNotUnderstood',
      filters: { 'signed-callbacks-not-understood': props.callbackLogGroup },
      threshold: ALARM_THRESHOLDS.signedCallbacksNotUnderstood,
      description:
        'Front Payment signed a callback with a status word or parameters we do not know; it was kept and confirmed through its details, but the callback format may have changed.',
    });

    // The age of kept callbacks whose confirmation failed, from both the callback and the
    // sweeper (which retries with backoff). Only ages past the threshold count.
    const unconfirmedAgeSeconds = (
      props.unconfirmedCallbackAge ?? DEFAULT_UNCONFIRMED_CALLBACK_AGE
    ).toSeconds();
    const unconfirmed = [props.callbackLogGroup, props.publishPendingLogGroup].map(
      (logGroup, index) =>
        new logs.MetricFilter(this, `unconfirmed-callbacks-filter-${index}`, {
          logGroup,
          filterPattern: logs.FilterPattern.all(
            logs.FilterPattern.stringValue('$.message', '=', LOG_MESSAGES.callbackNotConfirmed),
            logs.FilterPattern.numberValue(`$.${CALLBACK_AGE_FIELD}`, '>', unconfirmedAgeSeconds),
          ),
          metricNamespace: this.metricNamespace,
          metricName: 'UnconfirmedCallbacks',
          metricValue: '1',
          unit: cloudwatch.Unit.COUNT,
        }),
    )[0] as logs.MetricFilter;
    this.addAlarm(
      'unconfirmed-callbacks',
      unconfirmed.metric({ period: ALARM_PERIOD, statistic: 'Sum' }),
      1,
      {
        description: `A kept callback stayed unconfirmed by Front Payment's details for more than ${unconfirmedAgeSeconds} s: changes it announced are not recorded yet.`,
      },
    );

    this.addReconcilerAlarms(props);

    // Counted from the access log, so it does not depend on how the function words its warnings:
    // every 403 on the callback route is a callback whose checksum or timestamp did not verify.
    const rejections = new logs.MetricFilter(this, 'callback-rejections-filter', {
      logGroup: props.accessLogGroup,
      filterPattern: logs.FilterPattern.all(
        logs.FilterPattern.any(
          ...props.callbackRouteKeys.map((routeKey) =>
            logs.FilterPattern.stringValue('$.routeKey', '=', routeKey),
          ),
        ),
        logs.FilterPattern.stringValue('$.status', '=', '403'),
      ),
      metricNamespace: this.metricNamespace,
      metricName: 'CallbackRejections',
      metricValue: '1',
      defaultValue: 0,
      unit: cloudwatch.Unit.COUNT,
    }).metric({ period: ALARM_PERIOD, statistic: 'Sum' });
    this.addAlarm('callback-rejections', rejections, ALARM_THRESHOLDS.callbackRejections, {
      description:
        'Many callbacks were answered 403 (checksum did not verify or too old): forged calls, or a wrong callback secret or formula.',
    });

    const api5xx = props.httpApi.metricServerError({ period: ALARM_PERIOD, statistic: 'Sum' });
    const api4xx = props.httpApi.metricClientError({ period: ALARM_PERIOD, statistic: 'Sum' });
    this.addAlarm('api-5xx', api5xx, ALARM_THRESHOLDS.api5xx, {
      description:
        'The HTTP API answered with 5xx: a function failed, timed out or Front Payment is down.',
    });

    this.dashboard = new cloudwatch.Dashboard(this, 'dashboard', {
      defaultInterval: Duration.hours(6),
      widgets: [
        [
          new cloudwatch.AlarmStatusWidget({
            title: 'Alarms',
            alarms: Object.values(this.alarms),
            width: 24,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'HTTP API: requests, 4xx, 5xx',
            left: [
              props.httpApi.metricCount({ period: ALARM_PERIOD, statistic: 'Sum' }),
              api4xx,
              api5xx,
            ],
            width: 12,
          }),
          new cloudwatch.GraphWidget({
            title: 'HTTP API: latency (p99)',
            left: [props.httpApi.metricLatency({ period: ALARM_PERIOD, statistic: 'p99' })],
            width: 12,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Status events not yet published / callbacks rejected / unmatched',
            left: [notPublished, rejections, unmatched],
            width: 12,
          }),
          new cloudwatch.GraphWidget({
            title: 'Oldest status event in the outbox (s)',
            left: [outboxAge],
            width: 12,
          }),
        ],
        functionRows,
      ],
    });
  }

  private createTopic(): sns.Topic {
    const topic = new sns.Topic(this, 'alarm-topic', {
      displayName: 'Front Payment reservations alarms',
      enforceSSL: true,
    });
    Validations.of(topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Alarm notifications carry alarm names and metric values only, no payment or personal data; ' +
        'CloudWatch cannot publish to a topic encrypted with the AWS managed SNS key, and a customer ' +
        'managed key for this topic would cost more than the data is worth protecting.',
    });
    return topic;
  }

  /** From the reconciler's summary line: reservations left unresolved, and failed checks. */
  private addReconcilerAlarms(props: ReservationsOperationsProps): void {
    const summaryMetric = (id: string, field: string, metricName: string, unit: cloudwatch.Unit) =>
      new logs.MetricFilter(this, id, {
        logGroup: props.reconcileLogGroup,
        filterPattern: logs.FilterPattern.all(
          logs.FilterPattern.stringValue('$.message', '=', RECONCILE_SUMMARY),
          logs.FilterPattern.numberValue(`$.${field}`, '>=', 0),
        ),
        metricNamespace: this.metricNamespace,
        metricName,
        metricValue: `$.${field}`,
        unit,
      });
    const unresolvedSeconds = (
      props.unresolvedReservationAge ?? DEFAULT_UNRESOLVED_RESERVATION_AGE
    ).toSeconds();
    const unresolved = summaryMetric(
      'reconciler-unresolved-filter',
      UNRESOLVED_SECONDS_FIELD,
      'ReconcilerUnresolvedSeconds',
      cloudwatch.Unit.SECONDS,
    ).metric({ period: ALARM_PERIOD, statistic: 'Maximum' });
    this.addAlarm('reconciler-unresolved', unresolved, unresolvedSeconds, {
      description: `A reservation stayed unresolved for more than ${unresolvedSeconds} s: an unknown outcome is not settled, or the reconciler does not reach every open reservation. See "Alarms" in docs/deploy.md.`,
    });
    const failed = summaryMetric(
      'reconciler-failures-filter',
      FAILED_FIELD,
      'ReconcilerFailures',
      cloudwatch.Unit.COUNT,
    ).metric({ period: ALARM_PERIOD, statistic: 'Sum' });
    this.addAlarm('reconciler-failures', failed, ALARM_THRESHOLDS.reconcilerFailures, {
      description:
        'The reconciler could not check reservations (Front Payment or DynamoDB failed); they stay due. See "Alarms" in docs/deploy.md.',
    });
  }

  /**
   * Commands of unknown outcome, from the commands function (its answers, `?refresh=true`) and
   * the reconciler (which settles what is left): each alarm fires at the first line.
   */
  private addCommandOutcomeAlarms(props: ReservationsOperationsProps): void {
    const alarms = [
      {
        id: 'command-outcomes-unknown',
        message: LOG_MESSAGES.commandOutcomeUnknown,
        metricName: 'CommandOutcomesUnknown',
        threshold: ALARM_THRESHOLDS.commandOutcomesUnknown,
        description:
          'A capture, charge, cancel, complete, refund or resend may have reached Front Payment but its answer was lost (or its Lambda stopped after sending). It is never resent: the reconciler (or GET /reservations/{id}?refresh=true) settles it from the details and history within the grace period.',
      },
      {
        id: 'command-outcomes-ambiguous',
        message: LOG_MESSAGES.commandOutcomeAmbiguous,
        metricName: 'CommandOutcomesAmbiguous',
        threshold: ALARM_THRESHOLDS.commandOutcomesAmbiguous,
        description:
          'Front Payment shows a payment that more than one command of unknown outcome could have made (or several payments one could): none is settled by guess. See the command’s failure message and docs/commands.md.',
      },
      {
        id: 'command-outcomes-unresolved',
        message: LOG_MESSAGES.commandOutcomeUnresolved,
        metricName: 'CommandOutcomesUnresolved',
        threshold: ALARM_THRESHOLDS.commandOutcomesUnresolved,
        description:
          'A command stayed of unknown outcome past the grace period (ambiguous, or a resend) and is no longer watched: compare it with Front Payment’s portal and decide.',
      },
    ];
    for (const { id, message, metricName, threshold, description } of alarms) {
      this.alarmOnLogMessage(id, {
        message,
        metricName,
        filters: {
          [id]: props.reservationCommandsLogGroup,
          [`${id}-1`]: props.reconcileLogGroup,
        },
        threshold,
        description,
      });
    }
  }

  /**
   * Counts the lines whose `message` field equals `message` into `metricName`, from each log group
   * of `filters`, and alarms at `threshold` of them in a period; returns the metric. The same
   * metric from several log groups is one number to the alarm. A filter's construct id is its key
   * plus `-filter`: kept as deployed, as a new id would replace the filter.
   */
  private alarmOnLogMessage(
    id: string,
    options: {
      readonly message: string;
      readonly metricName: string;
      readonly filters: Readonly<Record<string, logs.ILogGroup>>;
      readonly threshold: number;
      readonly description: string;
    },
  ): cloudwatch.Metric {
    const [metric] = Object.entries(options.filters).map(([filterId, logGroup]) =>
      this.countLogMessage(filterId, logGroup, options.message, options.metricName),
    );
    if (!metric) throw new Error(`alarm ${id} needs at least one log group`);
    this.addAlarm(id, metric, options.threshold, { description: options.description });
    return metric;
  }

  /** A metric that counts log lines whose `message` field equals `message` (0 when none). */
  private countLogMessage(
    id: string,
    logGroup: logs.ILogGroup,
    message: string,
    metricName: string,
  ): cloudwatch.Metric {
    return new logs.MetricFilter(this, `${id}-filter`, {
      logGroup,
      filterPattern: logs.FilterPattern.stringValue('$.message', '=', message),
      metricNamespace: this.metricNamespace,
      metricName,
      metricValue: '1',
      // Publish 0 when nothing matched, so the graph shows a flat line rather than gaps.
      defaultValue: 0,
      unit: cloudwatch.Unit.COUNT,
    }).metric({ period: ALARM_PERIOD, statistic: 'Sum' });
  }

  private addAlarm(
    id: string,
    metric: cloudwatch.IMetric,
    threshold: number,
    options: {
      readonly description: string;
      readonly comparisonOperator?: cloudwatch.ComparisonOperator;
      readonly treatMissingData?: cloudwatch.TreatMissingData;
    },
  ): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator:
        options.comparisonOperator ??
        cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // By default no data means nothing happened (no invocation, no failing log line).
      treatMissingData: options.treatMissingData ?? cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: options.description,
    });
    const action = new SnsAction(this.alarmTopic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms[id] = alarm;
  }
}
