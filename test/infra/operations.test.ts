import * as sns from 'aws-cdk-lib/aws-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALARM_THRESHOLDS, LOG_MESSAGES, OUTBOX_AGE_FIELD } from '../../infra/operations.ts';
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
      [
        { Ref: s.logicalId(s.reservations.node.findChild('callback').node.findChild('log-group')) },
        {
          Ref: s.logicalId(
            s.reservations.node.findChild('publish-pending').node.findChild('log-group'),
          ),
        },
      ].sort(),
    );
    for (const filter of notPublished) {
      expect(filter.FilterPattern).toBe(
        `{ $.message = "${LOG_MESSAGES.statusEventNotPublished}" }`,
      );
    }
    expect(alarmOn('StatusEventsNotPublished')).toEqual([
      expect.objectContaining({ Statistic: 'Sum', Threshold: 5 }),
    ]);
  });

  it('alarms when the oldest outbox event is older than 10 minutes', () => {
    s.template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: `{ ($.message = "${LOG_MESSAGES.statusEventNotPublished}") && ($.${OUTBOX_AGE_FIELD} >= 0) }`,
      MetricTransformations: [
        {
          MetricName: 'OutboxAgeSeconds',
          MetricValue: `$.${OUTBOX_AGE_FIELD}`,
          Unit: 'Seconds',
          MetricNamespace: 'FrontPaymentReservations/test-stack',
        },
      ],
    });
    expect(alarmOn('OutboxAgeSeconds')).toEqual([
      expect.objectContaining({ Statistic: 'Maximum', Threshold: 600 }),
    ]);
  });

  it('alarms on a spike of callbacks answered 403, counted from the access log', () => {
    s.template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: s.logicalId(s.reservations.accessLogGroup) },
      FilterPattern: '{ ($.routeKey = "GET /callbacks/front-payment") && ($.status = "403") }',
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

  it('notifies the topic on alarm and on recovery; the email address is subscribed', () => {
    expect(alarms).toHaveLength(10);
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
