import * as logs from 'aws-cdk-lib/aws-logs';
import { beforeAll, describe, expect, it } from 'vitest';
import { reservationsTableDesign } from '../../shared/reservations/table-design.ts';
import { type Synthesised, synthReservations } from './support/synth.ts';

function tableProperties(s: Synthesised, logicalId: string) {
  return s.template.toJSON().Resources[logicalId] as {
    Properties: Record<string, unknown>;
    DeletionPolicy?: string;
    UpdateReplacePolicy?: string;
  };
}

describe('DynamoDB tables (dev stage)', () => {
  let s: Synthesised;
  beforeAll(() => {
    s = synthReservations();
  });

  it('builds the reservations table from table-design: keys, GSIs, TTL', () => {
    const { Properties } = tableProperties(s, s.logicalId(s.reservations.table));
    const { indexes } = reservationsTableDesign;
    expect(Properties.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(Properties.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: indexes.byFrontPaymentUuid.name,
        KeySchema: [{ AttributeName: 'frontPaymentUuid', KeyType: 'HASH' }],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
      {
        IndexName: indexes.pendingEvents.name,
        KeySchema: [
          { AttributeName: 'outbox', KeyType: 'HASH' },
          { AttributeName: 'receivedAt', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ]);
    expect(Properties.TimeToLiveSpecification).toEqual({
      AttributeName: reservationsTableDesign.timeToLiveAttribute,
      Enabled: true,
    });
    expect(indexes.byFrontPaymentUuid.name).toBe('by-front-payment-uuid');
    expect(indexes.pendingEvents.name).toBe('pending-events');
  });

  it('builds one table only: the reservation item is the Idempotency-Key record too', () => {
    expect(Object.keys(s.template.findResources('AWS::DynamoDB::Table'))).toEqual([
      s.logicalId(s.reservations.table),
    ]);
  });

  it('makes the table on-demand, encrypted with the AWS managed key, with PITR', () => {
    for (const table of [s.reservations.table]) {
      expect(tableProperties(s, s.logicalId(table)).Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        // SSEEnabled without a key: KMS with the AWS managed key aws/dynamodb.
        SSESpecification: { SSEEnabled: true },
      });
      expect(tableProperties(s, s.logicalId(table)).Properties.SSESpecification).toEqual({
        SSEEnabled: true,
      });
    }
  });

  it('lets dev stacks delete their tables, secrets and logs', () => {
    for (const table of [s.reservations.table]) {
      const resource = tableProperties(s, s.logicalId(table));
      expect(resource.DeletionPolicy).toBe('Delete');
      expect(resource.Properties.DeletionProtectionEnabled).toBe(false);
    }
    for (const type of ['AWS::SecretsManager::Secret', 'AWS::Logs::LogGroup']) {
      for (const resource of Object.values(s.template.findResources(type))) {
        expect(resource.DeletionPolicy).toBe('Delete');
      }
    }
  });

  it('creates both secrets empty: no generated value, no placeholder', () => {
    const secrets = Object.values(s.template.findResources('AWS::SecretsManager::Secret'));
    expect(secrets).toHaveLength(2);
    for (const secret of secrets) {
      expect(secret.Properties.GenerateSecretString).toBeUndefined();
      expect(secret.Properties.SecretString).toBeUndefined();
    }
  });

  it('keeps function logs two weeks outside production', () => {
    const retentions = Object.values(s.template.findResources('AWS::Logs::LogGroup')).map(
      (group) => group.Properties.RetentionInDays,
    );
    expect(retentions).toEqual([14, 14, 14, 14]);
  });
});

describe('production stage', () => {
  let s: Synthesised;
  beforeAll(() => {
    s = synthReservations({ stage: 'prod' });
  });

  it('retains the tables and turns deletion protection on', () => {
    for (const table of [s.reservations.table]) {
      const resource = tableProperties(s, s.logicalId(table));
      expect(resource.DeletionPolicy).toBe('Retain');
      expect(resource.UpdateReplacePolicy).toBe('Retain');
      expect(resource.Properties.DeletionProtectionEnabled).toBe(true);
    }
  });

  it('retains secrets and log groups, and keeps logs three months', () => {
    for (const type of ['AWS::SecretsManager::Secret', 'AWS::Logs::LogGroup']) {
      for (const resource of Object.values(s.template.findResources(type))) {
        expect(resource.DeletionPolicy).toBe('Retain');
      }
    }
    for (const group of Object.values(s.template.findResources('AWS::Logs::LogGroup'))) {
      expect(group.Properties.RetentionInDays).toBe(90);
    }
  });

  it('can be forced either way with `production` and takes an explicit log retention', () => {
    const staging = synthReservations({
      stage: 'staging',
      production: true,
      logRetention: logs.RetentionDays.ONE_YEAR,
    });
    const table = tableProperties(staging, staging.logicalId(staging.reservations.table));
    expect(table.DeletionPolicy).toBe('Retain');
    for (const group of Object.values(staging.template.findResources('AWS::Logs::LogGroup'))) {
      expect(group.Properties.RetentionInDays).toBe(365);
    }
  });
});
