import { Duration } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ALARM_THRESHOLDS,
  DEFAULT_UNCONFIRMED_CALLBACK_AGE,
  DEFAULT_UNRESOLVED_RESERVATION_AGE,
  LOG_MESSAGES,
  OLDEST_PENDING_AGE_FIELD,
} from '../../infra/operations.ts';
import {
  CALLBACK_AGE_FIELD,
  CALLBACK_NOT_CONFIRMED,
  ORPHAN_SESSION_ADOPTED,
  SIGNED_CALLBACK_NOT_UNDERSTOOD,
  UNMATCHED_CALLBACK_SET_ASIDE,
} from '../../shared/callbacks/callback-log.ts';
import {
  RECONCILE_SUMMARY,
  UNRESOLVED_SECONDS_FIELD,
} from '../../shared/reservations/reconcile-log.ts';
import { type Synthesised, synthReservations } from './support/synth.ts';

/** The namespace of the metrics made from log lines, for the stack synthReservations names. */
const NAMESPACE = 'FrontPaymentReservations/test-stack';

/** The properties of every resource of `type`, as the template has them. */
const propertiesOf = (template: Template, type: string) =>
  Object.values(template.findResources(type)).map((resource) => resource.Properties);

/** The metric filters that feed `metricName`. */
const metricFiltersInto = (template: Template, metricName: string) =>
  propertiesOf(template, 'AWS::Logs::MetricFilter').filter(
    (filter) => filter.MetricTransformations[0].MetricName === metricName,
  );

describe('alarms, metric filters, topic and dashboard', () => {
  let s: Synthesised;
  let alarms: ReturnType<typeof propertiesOf>;
  let topic: string;
  const alarmOn = (metricName: string, dimension?: unknown) =>
    alarms.filter(
      (alarm) =>
        alarm.MetricName === metricName &&
        (dimension === undefined ||
          JSON.stringify(alarm.Dimensions).includes(JSON.stringify(dimension))),
    );

  const logGroupOf = (id: string) =>
    s.logicalId(s.reservations.node.findChild(id).node.findChild('log-group'));

  /**
   * Each line whose message is `message`, in the log group of each of `functionIds`, counts 1
   * (0 when none) into `metricName`, and one alarm fires at `threshold` lines in 5 minutes.
   */
  function expectAlarmOnLogMessage(
    message: string,
    metricName: string,
    functionIds: readonly string[],
    threshold = 1,
  ) {
    const filters = metricFiltersInto(s.template, metricName);
    expect(filters).toHaveLength(functionIds.length);
    for (const id of functionIds) {
      expect(filters).toContainEqual({
        LogGroupName: { Ref: logGroupOf(id) },
        FilterPattern: `{ $.message = "${message}" }`,
        MetricTransformations: [
          {
            MetricName: metricName,
            MetricValue: '1',
            DefaultValue: 0,
            Unit: 'Count',
            MetricNamespace: NAMESPACE,
          },
        ],
      });
    }
    expect(alarmOn(metricName)).toEqual([
      expect.objectContaining({
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: threshold,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      }),
    ]);
  }

  beforeAll(() => {
    s = synthReservations({ alarmEmail: 'ops@example.com' });
    alarms = propertiesOf(s.template, 'AWS::CloudWatch::Alarm');
    topic = Object.keys(s.template.findResources('AWS::SNS::Topic'))[0] as string;
  });

  it('alarms on errors and throttles of each function at their thresholds', () => {
    for (const fn of [
      s.reservations.createSessionFunction,
      s.reservations.callbackFunction,
      s.reservations.publishPendingFunction,
    ]) {
      const dimension = { Name: 'FunctionName', Value: { Ref: s.logicalId(fn) } };
      expect(alarmOn('Errors', dimension)).toEqual([
        expect.objectContaining({
          Namespace: 'AWS/Lambda',
          Statistic: 'Sum',
          Period: 300,
          Threshold: ALARM_THRESHOLDS.functionErrors,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          EvaluationPeriods: 1,
          TreatMissingData: 'notBreaching',
        }),
      ]);
      expect(alarmOn('Throttles', dimension)).toEqual([
        expect.objectContaining({ Threshold: ALARM_THRESHOLDS.functionThrottles }),
      ]);
    }
    expect(ALARM_THRESHOLDS.functionErrors).toBe(1);
  });

  it('alarms on status events not published, from the callback and the sweeper logs', () => {
    expectAlarmOnLogMessage(
      LOG_MESSAGES.statusEventNotPublished,
      'StatusEventsNotPublished',
      ['callback', 'publish-pending'],
      5,
    );
  });

  it("alarms when the sweeper's summary line reports a pending event 10 minutes old", () => {
    expect([LOG_MESSAGES.outboxSwept, OLDEST_PENDING_AGE_FIELD]).toEqual([
      'outbox swept',
      'oldestPendingAgeSeconds',
    ]);
    s.template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: logGroupOf('publish-pending') },
      FilterPattern: '{ ($.message = "outbox swept") && ($.oldestPendingAgeSeconds >= 0) }',
      MetricTransformations: [
        {
          MetricName: 'OutboxAgeSeconds',
          MetricValue: '$.oldestPendingAgeSeconds',
          Unit: 'Seconds',
          MetricNamespace: NAMESPACE,
        },
      ],
    });
    // No summary line means nothing was pending: fine. A sweeper that does not run is the
    // heartbeat's business.
    expect(alarmOn('OutboxAgeSeconds')).toEqual([
      expect.objectContaining({
        Statistic: 'Maximum',
        Period: 300,
        Threshold: 600,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      }),
    ]);
  });

  it('alarms when the sweeper was not invoked for 5 minutes, missing data breaching', () => {
    const dimension = {
      Name: 'FunctionName',
      Value: { Ref: s.logicalId(s.reservations.publishPendingFunction) },
    };
    expect(alarmOn('Invocations', dimension)).toEqual([
      expect.objectContaining({
        Namespace: 'AWS/Lambda',
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
      }),
    ]);
    expect(ALARM_THRESHOLDS.sweeperInvocations).toBe(1);
  });

  it.each([
    ['commandOutcomeUnknown', 'CommandOutcomesUnknown', ALARM_THRESHOLDS.commandOutcomesUnknown],
    [
      'commandOutcomeAmbiguous',
      'CommandOutcomesAmbiguous',
      ALARM_THRESHOLDS.commandOutcomesAmbiguous,
    ],
    [
      'commandOutcomeUnresolved',
      'CommandOutcomesUnresolved',
      ALARM_THRESHOLDS.commandOutcomesUnresolved,
    ],
  ] as const)(
    'alarms at the first %s, counted from the commands and the reconciler logs',
    (message, metricName, threshold) => {
      // The commands function answers and refreshes; the reconciler settles the rest.
      expectAlarmOnLogMessage(LOG_MESSAGES[message], metricName, [
        'reservation-commands',
        'reconcile',
      ]);
      expect(threshold).toBe(1);
    },
  );

  it('alarms on a callback kept as unmatched, counted from the callback log', () => {
    expectAlarmOnLogMessage(LOG_MESSAGES.unmatchedCallback, 'UnmatchedCallbacks', ['callback']);
  });

  it('alarms at the first orphan session adopted, from the callback and the sweeper logs', () => {
    expect(LOG_MESSAGES.orphanSessionAdopted).toBe(ORPHAN_SESSION_ADOPTED);
    expectAlarmOnLogMessage(ORPHAN_SESSION_ADOPTED, 'OrphanSessionsAdopted', [
      'callback',
      'publish-pending',
    ]);
  });

  it('alarms at the first unmatched callback the sweeper set aside, from its log', () => {
    expect(LOG_MESSAGES.unmatchedCallbackSetAside).toBe(UNMATCHED_CALLBACK_SET_ASIDE);
    expectAlarmOnLogMessage(UNMATCHED_CALLBACK_SET_ASIDE, 'UnmatchedCallbacksSetAside', [
      'publish-pending',
    ]);
  });

  it('alarms at the first signed callback we do not understand, from the callback log', () => {
    expectAlarmOnLogMessage(SIGNED_CALLBACK_NOT_UNDERSTOOD, 'SignedCallbacksNotUnderstood', [
      'callback',
    ]);
  });

  it('alarms on a kept callback unconfirmed longer than the configured age, from both logs', () => {
    const filters = metricFiltersInto(s.template, 'UnconfirmedCallbacks');
    expect(filters.map((filter) => filter.LogGroupName).sort()).toEqual(
      [{ Ref: logGroupOf('callback') }, { Ref: logGroupOf('publish-pending') }].sort(),
    );
    expect(filters[0]?.FilterPattern).toBe(
      `{ ($.message = "${CALLBACK_NOT_CONFIRMED}") && ($.${CALLBACK_AGE_FIELD} > ${DEFAULT_UNCONFIRMED_CALLBACK_AGE.toSeconds()}) }`,
    );
    expect(alarmOn('UnconfirmedCallbacks')).toEqual([
      expect.objectContaining({ Threshold: 1, Statistic: 'Sum' }),
    ]);
    const shorter = synthReservations({ unconfirmedCallbackAlarmAge: Duration.minutes(5) });
    shorter.template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: `{ ($.message = "${CALLBACK_NOT_CONFIRMED}") && ($.${CALLBACK_AGE_FIELD} > 300) }`,
    });
  });

  it('alarms on a spike of callbacks answered 403, counted from the access log', () => {
    s.template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: s.logicalId(s.reservations.accessLogGroup) },
      FilterPattern:
        '{ (($.routeKey = "GET /callbacks/front-payment") || ($.routeKey = "GET /callbacks/front-payment/{reservationId}")) && ($.status = "403") }',
      MetricTransformations: [
        {
          MetricName: 'CallbackRejections',
          MetricValue: '1',
          DefaultValue: 0,
          Unit: 'Count',
          MetricNamespace: NAMESPACE,
        },
      ],
    });
    expect(alarmOn('CallbackRejections')).toEqual([
      expect.objectContaining({ Statistic: 'Sum', Threshold: ALARM_THRESHOLDS.callbackRejections }),
    ]);
  });

  it('alarms on API 5xx', () => {
    expect(alarmOn('5xx')).toEqual([
      expect.objectContaining({
        Namespace: 'AWS/ApiGateway',
        Dimensions: [{ Name: 'ApiId', Value: { Ref: s.logicalId(s.reservations.httpApi) } }],
        Statistic: 'Sum',
        Threshold: ALARM_THRESHOLDS.api5xx,
      }),
    ]);
  });

  it('alarms when a reservation stays unresolved past the configured age, from the reconciler summary', () => {
    const filters = metricFiltersInto(s.template, 'ReconcilerUnresolvedSeconds');
    expect(filters).toEqual([
      expect.objectContaining({
        LogGroupName: { Ref: logGroupOf('reconcile') },
        FilterPattern: `{ ($.message = "${RECONCILE_SUMMARY}") && ($.${UNRESOLVED_SECONDS_FIELD} >= 0) }`,
      }),
    ]);
    expect(filters[0]?.MetricTransformations[0].MetricValue).toBe(`$.${UNRESOLVED_SECONDS_FIELD}`);
    expect(alarmOn('ReconcilerUnresolvedSeconds')).toEqual([
      expect.objectContaining({
        Statistic: 'Maximum',
        Threshold: DEFAULT_UNRESOLVED_RESERVATION_AGE.toSeconds(),
      }),
    ]);
    const shorter = synthReservations({ unresolvedReservationAlarmAge: Duration.minutes(30) });
    expect(
      propertiesOf(shorter.template, 'AWS::CloudWatch::Alarm').find(
        (alarm) => alarm.MetricName === 'ReconcilerUnresolvedSeconds',
      )?.Threshold,
    ).toBe(1800);
  });

  it('alarms on failed reconciler checks, from the reconciler summary', () => {
    expect(alarmOn('ReconcilerFailures')).toEqual([
      expect.objectContaining({
        Statistic: 'Sum',
        Threshold: ALARM_THRESHOLDS.reconcilerFailures,
      }),
    ]);
  });

  it('notifies the topic on alarm and on recovery; the email address is subscribed', () => {
    // 2 per function (10), 9 from logs and the API, 2 from the reconciler's summary, 3 for
    // commands of unknown outcome (unknown, ambiguous, unresolved), 1 for orphan sessions adopted.
    expect(alarms).toHaveLength(25);
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual([{ Ref: topic }]);
      expect(alarm.OKActions).toEqual([{ Ref: topic }]);
      expect(alarm.AlarmDescription).toBeTruthy();
    }
    s.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: { Ref: topic },
    });
  });

  it('builds one dashboard that shows every alarm', () => {
    const dashboards = Object.values(s.template.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify(dashboards[0]?.Properties.DashboardBody);
    for (const alarm of Object.keys(s.template.findResources('AWS::CloudWatch::Alarm'))) {
      expect(body).toContain(alarm);
    }
  });

  it('uses a topic the caller brings instead of creating one', () => {
    let callerTopic: sns.Topic | undefined;
    const s2 = synthReservations((stack) => {
      callerTopic = new sns.Topic(stack, 'ops-topic', { enforceSSL: true });
      return { alarmTopic: callerTopic };
    });
    s2.template.resourceCountIs('AWS::SNS::Topic', 1);
    const id = s2.logicalId(callerTopic as sns.Topic);
    for (const alarm of propertiesOf(s2.template, 'AWS::CloudWatch::Alarm')) {
      expect(alarm.AlarmActions).toEqual([{ Ref: id }]);
    }
  });
});
