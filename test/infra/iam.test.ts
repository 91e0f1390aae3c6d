import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { beforeAll, describe, expect, it } from 'vitest';
import type { HouseFunction } from '../../infra/house-function.ts';
import { arnOf, roleStatements, type Synthesised, synthReservations } from './support/synth.ts';

const tracing = {
  actions: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
  resources: ['*'],
};
const secretRead = ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'];

function houseFunction(s: Synthesised, id: string): HouseFunction {
  return s.reservations.node.findChild(id) as HouseFunction;
}

function statementsOf(s: Synthesised, id: string) {
  return roleStatements(s.template, s.logicalId(houseFunction(s, id).role));
}

function indexArn(tableLogicalId: string, index: string) {
  return { 'Fn::Join': ['', [arnOf(tableLogicalId), `/index/${index}`]] };
}

describe('IAM: each function may do exactly what it needs', () => {
  let s: Synthesised;
  let ids: Record<'table' | 'idempotency' | 'bus' | 'token' | 'callbackSecret', string>;
  const logGroupOf = (id: string) => s.logicalId(houseFunction(s, id).logGroup);

  beforeAll(() => {
    s = synthReservations();
    ids = {
      table: s.logicalId(s.reservations.table),
      idempotency: s.logicalId(s.reservations.idempotencyTable),
      bus: s.logicalId(s.reservations.eventBus),
      token: s.logicalId(s.reservations.secrets.frontPaymentToken),
      callbackSecret: s.logicalId(s.reservations.secrets.callbackSecret),
    };
  });

  it('create-session: item actions on both tables, reads the token secret only', () => {
    expect(statementsOf(s, 'create-session')).toEqual([
      {
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [arnOf(logGroupOf('create-session'))],
      },
      tracing,
      {
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        resources: [arnOf(ids.table)],
      },
      {
        actions: [
          'dynamodb:DeleteItem',
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
        ],
        resources: [arnOf(ids.idempotency)],
      },
      { actions: secretRead, resources: [{ Ref: ids.token }] },
    ]);
  });

  it('callback: table and the by-front-payment-uuid index, PutEvents on the bus, the callback secret', () => {
    expect(statementsOf(s, 'callback')).toEqual([
      {
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [arnOf(logGroupOf('callback'))],
      },
      tracing,
      {
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
        resources: [arnOf(ids.table)],
      },
      { actions: ['dynamodb:Query'], resources: [indexArn(ids.table, 'by-front-payment-uuid')] },
      { actions: secretRead, resources: [{ Ref: ids.callbackSecret }] },
      { actions: ['events:PutEvents'], resources: [arnOf(ids.bus)] },
    ]);
  });

  it('publish-pending: Query on the pending-events index, Get/Update on the table, PutEvents', () => {
    expect(statementsOf(s, 'publish-pending')).toEqual([
      {
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [arnOf(logGroupOf('publish-pending'))],
      },
      tracing,
      { actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], resources: [arnOf(ids.table)] },
      { actions: ['dynamodb:Query'], resources: [indexArn(ids.table, 'pending-events')] },
      { actions: ['events:PutEvents'], resources: [arnOf(ids.bus)] },
    ]);
  });

  it('grants no managed policy: the roles carry only the statements above', () => {
    for (const role of Object.values(s.template.findResources('AWS::IAM::Role'))) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
        {
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { Service: 'lambda.amazonaws.com' },
        },
      ]);
    }
  });

  it('names a resource in every statement except the X-Ray one', () => {
    for (const id of ['create-session', 'callback', 'publish-pending']) {
      const wildcards = statementsOf(s, id).filter((statement) =>
        JSON.stringify(statement.resources).includes('*'),
      );
      expect(wildcards).toEqual([tracing]);
    }
  });
});

describe('IAM options', () => {
  it('confirm-with-Front-Payment also lets the callback read the token secret', () => {
    const s = synthReservations({ confirmStatusWithFrontPayment: true });
    const token = s.logicalId(s.reservations.secrets.frontPaymentToken);
    expect(statementsOf(s, 'callback')).toContainEqual({
      actions: secretRead,
      resources: [{ Ref: token }],
    });
  });

  it('grants on imported secrets and an imported bus by their ARNs, and creates neither', () => {
    const tokenArn =
      'arn:aws:secretsmanager:eu-north-1:111111111111:secret:front-payment/token-AbCdEf';
    const callbackArn =
      'arn:aws:secretsmanager:eu-north-1:111111111111:secret:front-payment/callback-GhIjKl';
    const busArn = 'arn:aws:events:eu-north-1:111111111111:event-bus/shop-events';
    const s = synthReservations((stack) => ({
      frontPaymentTokenSecret: secretsmanager.Secret.fromSecretCompleteArn(stack, 't', tokenArn),
      callbackSecret: secretsmanager.Secret.fromSecretCompleteArn(stack, 'c', callbackArn),
      eventBus: events.EventBus.fromEventBusArn(stack, 'b', busArn),
    }));
    expect(statementsOf(s, 'create-session')).toContainEqual({
      actions: secretRead,
      resources: [tokenArn],
    });
    expect(statementsOf(s, 'callback')).toEqual(
      expect.arrayContaining([
        { actions: secretRead, resources: [callbackArn] },
        { actions: ['events:PutEvents'], resources: [busArn] },
      ]),
    );
    s.template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    s.template.resourceCountIs('AWS::Events::EventBus', 0);
  });

  it('grantCreateReservation allows execute-api:Invoke on POST /reservations of this API only', () => {
    let role: iam.Role | undefined;
    const s = synthReservations({}, (stack, reservations) => {
      role = new iam.Role(stack, 'caller', { assumedBy: new iam.AccountRootPrincipal() });
      reservations.grantCreateReservation(role);
    });
    const api = s.logicalId(s.reservations.httpApi);
    expect(roleStatements(s.template, s.logicalId(role as iam.Role))).toEqual([
      {
        actions: ['execute-api:Invoke'],
        resources: [
          {
            'Fn::Join': [
              '',
              [
                'arn:',
                { Ref: 'AWS::Partition' },
                ':execute-api:eu-north-1:111111111111:',
                { Ref: api },
                '/$default/POST/reservations',
              ],
            ],
          },
        ],
      },
    ]);
  });
});
