import { readFileSync } from 'node:fs';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import type { HouseFunction } from '../../infra/house-function.ts';
import { arnOf, roleStatements, type Synthesised, synthReservations } from './support/synth.ts';

const secretRead = ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'];

function houseFunction(s: Synthesised, id: string): HouseFunction {
  return s.reservations.node.findChild(id) as HouseFunction;
}

function statementsOf(s: Synthesised, id: string) {
  return roleStatements(s.template, s.logicalId(houseFunction(s, id).role));
}

/** DynamoDB commands of the document client and the item action IAM authorises each as. */
const COMMAND_ACTIONS: Record<string, string> = {
  Get: 'dynamodb:GetItem',
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  BatchGet: 'dynamodb:BatchGetItem',
  BatchWrite: 'dynamodb:BatchWriteItem',
  TransactGet: 'dynamodb:GetItem',
  Scan: 'dynamodb:Scan',
};
/** TransactWriteItems is authorised per item, as the action of each item's kind. */
const TRANSACT_ITEM_ACTIONS: Record<string, string> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
};

/**
 * The DynamoDB calls in the repository's own source files that a handler's bundle includes
 * (esbuild's metafile, npm packages left out): the item actions, and whether it queries. Finds a
 * call added to shared code without its grant, or a grant left behind after a call was removed.
 */
async function dynamoDbActionsInCode(name: string) {
  const { metafile } = await build({
    entryPoints: [`functions/${name}/handler.ts`],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'silent',
  });
  const actions = new Set<string>();
  let indexQueries = false;
  let partitionReads = false;
  for (const input of Object.keys(metafile.inputs)) {
    const source = readFileSync(input, 'utf8');
    // The one Query on the base table: shared/reservations/reservation-partition.ts.
    if (input.endsWith('reservation-partition.ts')) {
      partitionReads = true;
      continue;
    }
    for (const [, command] of source.matchAll(/new (\w+)Command\(/g)) {
      if (command === 'Query') indexQueries = true;
      else if (command === 'TransactWrite') {
        for (const [, kind] of source.matchAll(/\b(Put|Update|Delete|ConditionCheck): \{/g)) {
          actions.add(TRANSACT_ITEM_ACTIONS[kind as string] as string);
        }
      } else if (command && command in COMMAND_ACTIONS) {
        actions.add(COMMAND_ACTIONS[command] as string);
      }
    }
  }
  return { itemActions: [...actions].sort(), indexQueries, partitionReads };
}

function indexArn(tableLogicalId: string, index: string) {
  return { 'Fn::Join': ['', [arnOf(tableLogicalId), `/index/${index}`]] };
}

describe('IAM: each function may do exactly what it needs', () => {
  let s: Synthesised;
  let ids: Record<'table' | 'bus' | 'token' | 'callbackSecret', string>;
  const logGroupOf = (id: string) => s.logicalId(houseFunction(s, id).logGroup);

  beforeAll(() => {
    s = synthReservations();
    ids = {
      table: s.logicalId(s.reservations.table),
      bus: s.logicalId(s.reservations.eventBus),
      token: s.logicalId(s.reservations.secrets.frontPaymentToken),
      callbackSecret: s.logicalId(s.reservations.secrets.callbackSecret),
    };
  });

  it('create-session: Get/Update on reservations (also its idempotency record), the token', () => {
    expect(statementsOf(s, 'create-session')).toEqual([
      {
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [arnOf(logGroupOf('create-session'))],
      },
      // No PutItem: the reservation is written with conditional UpdateItem only.
      { actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], resources: [arnOf(ids.table)] },
      { actions: secretRead, resources: [{ Ref: ids.token }] },
    ]);
  });

  it('callback: Get/Put/Update on the table, Query on by-front-payment-uuid only, PutEvents, its secret and the token', () => {
    expect(statementsOf(s, 'callback')).toEqual([
      {
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [arnOf(logGroupOf('callback'))],
      },
      // PutItem and UpdateItem are what the recording TransactWriteItems is authorised as.
      {
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        resources: [arnOf(ids.table)],
      },
      { actions: ['dynamodb:Query'], resources: [indexArn(ids.table, 'by-front-payment-uuid')] },
      // Its secret and the token (Front Payment's details are read for every callback), in one
      // statement: the feature flag minimizePolicies merges statements with equal actions.
      { actions: secretRead, resources: [{ Ref: ids.callbackSecret }, { Ref: ids.token }] },
      { actions: ['events:PutEvents'], resources: [arnOf(ids.bus)] },
    ]);
  });

  it('reservation-commands: BatchGet/Get/Put/Update/Query on the table (its own partition), Query on the three lookup indexes, the token, PutEvents', () => {
    expect(statementsOf(s, 'reservation-commands')).toEqual([
      {
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [arnOf(logGroupOf('reservation-commands'))],
      },
      // Query on the table itself: GET reads one reservation's partition. BatchGetItem: a page of
      // lookups reads its reservations.
      {
        actions: [
          'dynamodb:BatchGetItem',
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:Query',
          'dynamodb:UpdateItem',
        ],
        resources: [arnOf(ids.table)],
      },
      // The lookups: by Front Payment's uuid, by referenceNo, and the recent list. No other index.
      {
        actions: ['dynamodb:Query'],
        resources: [
          indexArn(ids.table, 'by-front-payment-uuid'),
          indexArn(ids.table, 'by-reference-no'),
          indexArn(ids.table, 'recent-reservations'),
        ],
      },
      { actions: secretRead, resources: [{ Ref: ids.token }] },
      { actions: ['events:PutEvents'], resources: [arnOf(ids.bus)] },
    ]);
  });

  it('publish-pending: Get/Put/Update on the table, Query on its three indexes, the token, PutEvents', () => {
    expect(statementsOf(s, 'publish-pending')).toEqual([
      {
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [arnOf(logGroupOf('publish-pending'))],
      },
      // Confirming a kept callback records its changes as the callback would.
      {
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        resources: [arnOf(ids.table)],
      },
      {
        actions: ['dynamodb:Query'],
        resources: [
          indexArn(ids.table, 'by-front-payment-uuid'),
          indexArn(ids.table, 'due-callbacks'),
          indexArn(ids.table, 'pending-events'),
        ],
      },
      { actions: secretRead, resources: [{ Ref: ids.token }] },
      { actions: ['events:PutEvents'], resources: [arnOf(ids.bus)] },
    ]);
  });

  it('reconcile: Get/Put/Update on the table, Query on the open-reservations and uuid lookup indexes and its own partitions, the token, PutEvents', () => {
    expect(statementsOf(s, 'reconcile')).toEqual([
      {
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [arnOf(logGroupOf('reconcile'))],
      },
      // Settling, rescheduling and marking warnings (UpdateItem); recording changes (PutItem too);
      // a reservation's commands of unknown outcome (Query on its partition).
      {
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
        resources: [arnOf(ids.table)],
      },
      // The due reservations; and whose a Front Payment session is, for the session search.
      {
        actions: ['dynamodb:Query'],
        resources: [
          indexArn(ids.table, 'by-front-payment-uuid'),
          indexArn(ids.table, 'open-reservations'),
        ],
      },
      { actions: secretRead, resources: [{ Ref: ids.token }] },
      { actions: ['events:PutEvents'], resources: [arnOf(ids.bus)] },
    ]);
  });

  it("grants the reservations table exactly the item actions each handler's code sends", async () => {
    for (const id of [
      'create-session',
      'callback',
      'publish-pending',
      'reconcile',
      'reservation-commands',
    ]) {
      const used = await dynamoDbActionsInCode(id);
      const onTable = statementsOf(s, id).filter(
        (statement) => JSON.stringify(statement.resources) === JSON.stringify([arnOf(ids.table)]),
      );
      // Query on the base table only for code that reads one reservation's own partition.
      expect({ id, actions: onTable.flatMap((statement) => statement.actions) }).toEqual({
        id,
        actions: [...used.itemActions, ...(used.partitionReads ? ['dynamodb:Query'] : [])].sort(),
      });
      // Any other Query in the code is granted on an index ARN.
      const indexQueries = statementsOf(s, id).filter(
        (statement) =>
          statement.actions.includes('dynamodb:Query') &&
          JSON.stringify(statement.resources).includes('/index/'),
      );
      expect({ id, queries: indexQueries.length > 0 }).toEqual({ id, queries: used.indexQueries });
    }
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

  it('names a resource in every statement: no wildcard, no X-Ray grant (tracing is off)', () => {
    for (const id of ['create-session', 'callback', 'publish-pending', 'reconcile']) {
      const wildcards = statementsOf(s, id).filter((statement) =>
        JSON.stringify(statement.resources).includes('*'),
      );
      expect(wildcards).toEqual([]);
      expect(JSON.stringify(statementsOf(s, id))).not.toContain('xray:');
    }
  });
});

describe('IAM options', () => {
  it('lets the callback and the sweeper read the token secret (both read details)', () => {
    const s = synthReservations();
    const token = s.logicalId(s.reservations.secrets.frontPaymentToken);
    for (const id of ['callback', 'publish-pending']) {
      // minimizePolicies may merge it with the callback secret's statement (equal actions).
      expect(statementsOf(s, id)).toContainEqual({
        actions: secretRead,
        resources: expect.arrayContaining([{ Ref: token }]),
      });
    }
  });

  it('lets the callback read the next callback secret while the key is rotated', () => {
    const nextArn =
      'arn:aws:secretsmanager:eu-north-1:111111111111:secret:front-payment/callback-next-MnOpQr';
    const s = synthReservations((stack) => ({
      callbackSecretNext: secretsmanager.Secret.fromSecretCompleteArn(stack, 'n', nextArn),
    }));
    expect(statementsOf(s, 'callback')).toContainEqual({
      actions: secretRead,
      resources: expect.arrayContaining([nextArn]),
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
        { actions: secretRead, resources: expect.arrayContaining([callbackArn, tokenArn]) },
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
                // A literal partition: the stack's region is known (feature flag enablePartitionLiterals).
                'arn:aws:execute-api:eu-north-1:111111111111:',
                { Ref: api },
                '/$default/POST/reservations',
              ],
            ],
          },
        ],
      },
    ]);
  });

  it('grantManageReservations allows every reservation route, grantReadReservations the GETs only (the record and the lookups)', () => {
    let manager: iam.Role | undefined;
    let reader: iam.Role | undefined;
    const s = synthReservations({}, (stack, reservations) => {
      manager = new iam.Role(stack, 'manager', { assumedBy: new iam.AccountRootPrincipal() });
      reader = new iam.Role(stack, 'reader', { assumedBy: new iam.AccountRootPrincipal() });
      reservations.grantManageReservations(manager);
      reservations.grantReadReservations(reader);
    });
    const api = s.logicalId(s.reservations.httpApi);
    const arn = (route: string) => ({
      'Fn::Join': ['', ['arn:aws:execute-api:eu-north-1:111111111111:', { Ref: api }, route]],
    });
    // Sorted: minimizePolicies orders the resources.
    const commands = ['cancel', 'capture', 'charge', 'complete', 'refund', 'resend'];
    expect(roleStatements(s.template, s.logicalId(manager as iam.Role))).toEqual([
      {
        actions: ['execute-api:Invoke'],
        resources: [
          arn('/$default/GET/reservations'),
          arn('/$default/GET/reservations/*'),
          ...commands.map((command) => arn(`/$default/POST/reservations/*/${command}`)),
        ],
      },
    ]);
    // Reading includes the lookups (GET /reservations?…).
    expect(roleStatements(s.template, s.logicalId(reader as iam.Role))).toEqual([
      {
        actions: ['execute-api:Invoke'],
        resources: [arn('/$default/GET/reservations'), arn('/$default/GET/reservations/*')],
      },
    ]);
  });
});
