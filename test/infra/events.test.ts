import { readFileSync } from 'node:fs';
import { Duration } from 'aws-cdk-lib';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA_TYPE } from '../../infra/event-schema.ts';
import { EVENT_SCHEMA_FILES } from '../../infra/event-schema-file.ts';
import {
  DEFAULT_EVENT_SOURCE,
  STATUS_CHANGED_DETAIL_TYPE,
} from '../../shared/events/status-changed-event.ts';
import { arnOf, type Synthesised, synthReservations } from './support/synth.ts';

describe('EventBridge', () => {
  let s: Synthesised;
  let queueId: string;
  beforeAll(() => {
    s = synthReservations({}, (stack, reservations) => {
      const queue = new sqs.Queue(stack, 'charged-queue', { enforceSSL: true });
      queueId = stack.getLogicalId(queue.node.defaultChild as sqs.CfnQueue);
      reservations.onStatus(['CHARGED', 'CAPTURED'], new targets.SqsQueue(queue), {
        id: 'charged-or-captured',
      });
    });
  });

  it('creates its own bus and archives our events on it for replay (365 days)', () => {
    const bus = s.logicalId(s.reservations.eventBus);
    s.template.resourceCountIs('AWS::Events::EventBus', 1);
    s.template.hasResourceProperties('AWS::Events::Archive', {
      SourceArn: arnOf(bus),
      EventPattern: { source: [DEFAULT_EVENT_SOURCE] },
      RetentionDays: 365,
    });
  });

  it('onStatus makes a rule on the bus matching source, detail-type and the statuses', () => {
    const bus = s.logicalId(s.reservations.eventBus);
    s.template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: bus },
      State: 'ENABLED',
      EventPattern: {
        source: ['frontpayment.reservations'],
        'detail-type': ['Reservation Status Changed'],
        detail: { status: ['CHARGED', 'CAPTURED'] },
      },
      Targets: [{ Arn: arnOf(queueId), Id: 'Target0' }],
    });
    expect(STATUS_CHANGED_DETAIL_TYPE).toBe('Reservation Status Changed');
  });

  it('onStatus returns the rule, uses a custom source, and refuses an empty status list', () => {
    const s2 = synthReservations({ eventSource: 'shop.payments' }, (stack, reservations) => {
      const queue = new sqs.Queue(stack, 'q', { enforceSSL: true });
      const rule = reservations.onStatus(['RESERVED'], new targets.SqsQueue(queue));
      expect(rule.node.scope).toBe(reservations);
      expect(() => reservations.onStatus([], new targets.SqsQueue(queue))).toThrow(
        /at least one status/,
      );
    });
    s2.template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['shop.payments'],
        'detail-type': ['Reservation Status Changed'],
        detail: { status: ['RESERVED'] },
      },
    });
  });

  it.each([
    ['Reservation Status Changed', 'frontpayment.reservations@ReservationStatusChanged'],
    ['Reservation Capture Due', 'frontpayment.reservations@ReservationCaptureDue'],
  ])(
    'publishes the schema of %s; its detail is the committed JSON Schema file',
    (detailType, schemaName) => {
      const registry = Object.keys(s.template.findResources('AWS::EventSchemas::Registry'));
      expect(registry).toHaveLength(1);
      const schemas = Object.values(
        s.template.findResources('AWS::EventSchemas::Schema', {
          Properties: { SchemaName: schemaName },
        }),
      );
      expect(schemas).toHaveLength(1);
      const properties = schemas[0]?.Properties;
      expect(properties).toMatchObject({
        Type: SCHEMA_TYPE,
        RegistryName: { 'Fn::GetAtt': [registry[0], 'RegistryName'] },
      });
      const content = JSON.parse(properties.Content);
      // The same schema as the committed file consumers use, without the nested `$schema` marker.
      const file = EVENT_SCHEMA_FILES.find((candidate) => candidate.detailType === detailType);
      const { $schema: _marker, ...detail } = JSON.parse(readFileSync(file?.path ?? '', 'utf8'));
      expect(content.properties.detail).toEqual(detail);
      expect(content.properties['detail-type']).toEqual({ type: 'string', enum: [detailType] });
      expect(content.properties.source).toEqual({
        type: 'string',
        enum: ['frontpayment.reservations'],
      });
      expect(content.required).toEqual(['detail-type', 'source', 'detail']);
    },
  );

  it('registers one schema per event type the functions publish', () => {
    const names = Object.values(s.template.findResources('AWS::EventSchemas::Schema')).map(
      (schema) => schema.Properties.SchemaName,
    );
    expect(names.sort()).toEqual([
      'frontpayment.reservations@ReservationCaptureDue',
      'frontpayment.reservations@ReservationStatusChanged',
    ]);
  });

  it('runs the outbox sweeper every minute, without EventBridge retries', () => {
    s.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [
        {
          Arn: arnOf(s.logicalId(s.reservations.publishPendingFunction)),
          Id: 'Target0',
          RetryPolicy: { MaximumRetryAttempts: 0 },
        },
      ],
    });
  });

  it('takes an archive retention', () => {
    const s2 = synthReservations({ archiveRetention: Duration.days(30) });
    s2.template.hasResourceProperties('AWS::Events::Archive', { RetentionDays: 30 });
  });
});
