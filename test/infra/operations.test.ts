import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
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

type Alarm = Record<string, unknown>;

describe('alarms, metric filters, topic and dashboard', () => {
  let s: Synthesised;
  let alarms: Alarm[];
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

  beforeAll(() => {
    s = synthReservations({ alarmEmail: 'ops@example.com' });
    alarms = Object.values(s.template.findResources('AWS::CloudWatch::Alarm')).map(
      (alarm) => alarm.Properties,
    );
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
    const filters = Object.values(s.template.findResources('AWS::Logs::MetricFilter')).map(
      (filter) => filter.Properties,
    );
    const notPublished = filters.filter(
      (filter) => filter.MetricTransformations[0].MetricName === 'StatusEventsNotPublished',
    );
    expect(notPublished.map((filter) => filter.LogGroupName).sort()).toEqual(
      [{ Ref: logGroupOf('callback') }, { Ref: logGroupOf('publish-pending') }].sort(),
    );
    for (const filter of notPublished) {
      expect(filter.FilterPattern).toBe(
        `{ $.message = "${LOG_MESSAGES.statusEventNotPublished}" }`,
      );
    }
    expect(alarmOn('StatusEventsNotPublished')).toEqual([
      expect.objectContaining({
        Statistic: 'Sum',
        Threshold: 5,
        TreatMissingData: 'notBreaching',
      }),
    ]);
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
          MetricNamespace: 'FrontPaymentReservations/test-stack',
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
      for (const fn of ['reservation-commands', 'reconcile']) {
        s.template.hasResourceProperties('AWS::Logs::MetricFilter', {
          LogGroupName: { Ref: logGroupOf(fn) },
          FilterPattern: `{ $.message = "${LOG_MESSAGES[message]}" }`,
          MetricTransformations: [Match.objectLike({ MetricName: metricName, MetricValue: '1' })],
        });
      }
      expect(threshold).toBe(1);
      expect(alarmOn(metricName)).toEqual([
        expect.objectContaining({ Statistic: 'Sum', Threshold: 1, Period: 300 }),
      ]);
    },
  );

  it('alarms on a callback kept as unmatched, counted from the callback log', () => {
    s.template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: logGroupOf('callback') },
      FilterPattern: `{ $.message = "${LOG_MESSAGES.unmatchedCallback}" }`,
      MetricTransformations: [
        {
          MetricName: 'UnmatchedCallbacks',
          MetricValue: '1',
          DefaultValue: 0,
          Unit: 'Count',
          MetricNamespace: 'FrontPaymentReservations/test-stack',
        },
      ],
    });
    expect(alarmOn('UnmatchedCallbacks')).toEqual([
      expect.objectContaining({
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      }),
    ]);
  });

  it('alarms at the first orphan session adopted, from the callback and the sweeper logs', () => {
    for (const fn of ['callback', 'publish-pending']) {
      s.template.hasResourceProperties('AWS::Logs::MetricFilter', {
        LogGroupName: { Ref: logGroupOf(fn) },
        FilterPattern: `{ $.message = "${ORPHAN_SESSION_ADOPTED}" }`,
        MetricTransformations: [
          Match.objectLike({
            MetricName: 'OrphanSessionsAdopted',
            MetricValue: '1',
            MetricNamespace: 'FrontPaymentReservations/test-stack',
          }),
        ],
      });
    }
    expect(LOG_MESSAGES.orphanSessionAdopted).toBe(ORPHAN_SESSION_ADOPTED);
    expect(alarmOn('OrphanSessionsAdopted')).toEqual([
      expect.objectContaining({
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [{ Ref: topic }],
      }),
    ]);
  });

  it('alarms at the first unmatched callback the sweeper set aside, from its log', () => {
    s.template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: logGroupOf('publish-pending') },
      FilterPattern: `{ $.message = "${LOG_MESSAGES.unmatchedCallbackSetAside}" }`,
      MetricTransformations: [
        {
          MetricName: 'UnmatchedCallbacksSetAside',
          MetricValue: '1',
          DefaultValue: 0,
          Unit: 'Count',
          MetricNamespace: 'FrontPaymentReservations/test-stack',
        },
      ],
    });
    expect(LOG_MESSAGES.unmatchedCallbackSetAside).toBe(UNMATCHED_CALLBACK_SET_ASIDE);
    expect(alarmOn('UnmatchedCallbacksSetAside')).toEqual([
      expect.objectContaining({
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      }),
    ]);
  });

  it('alarms at the first signed callback we do not understand, from the callback log', () => {
    s.template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: logGroupOf('callback') },
      FilterPattern: `{ $.message = "${SIGNED_CALLBACK_NOT_UNDERSTOOD}" }`,
    });
    expect(alarmOn('SignedCallbacksNotUnderstood')).toEqual([
      expect.objectContaining({ Threshold: 1, Statistic: 'Sum' }),
    ]);
  });

  it('alarms on a kept callback unconfirmed longer than the configured age, from both logs', () => {
    const filters = Object.values(s.template.findResources('AWS::Logs::MetricFilter')).filter(
      (filter) => filter.Properties.MetricTransformations[0].MetricName === 'UnconfirmedCallbacks',
    );
    expect(filters.map((filter) => filter.Properties.LogGroupName).sort()).toEqual(
      [{ Ref: logGroupOf('callback') }, { Ref: logGroupOf('publish-pending') }].sort(),
    );
    expect(filters[0]?.Properties.FilterPattern).toBe(
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
          MetricNamespace: 'FrontPaymentReservations/test-stack',
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
    const filters = Object.values(s.template.findResources('AWS::Logs::MetricFilter'))
      .map((filter) => filter.Properties)
      .filter(
        (properties) =>
          properties.MetricTransformations[0].MetricName === 'ReconcilerUnresolvedSeconds',
      );
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
      Object.values(shorter.template.findResources('AWS::CloudWatch::Alarm')).filter(
        (alarm) => alarm.Properties.MetricName === 'ReconcilerUnresolvedSeconds',
      )[0]?.Properties.Threshold,
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
    for (const alarm of Object.values(s2.template.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: id }]);
    }
  });
});
