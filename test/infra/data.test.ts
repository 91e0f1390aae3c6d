import { beforeAll, describe, expect, it } from 'vitest';
import {
  idempotencyTableDesign,
  reservationsTableDesign,
} from '../../shared/reservations/table-design.ts';
import { type Synthesised, synthReservations } from './support/synth.ts';

function tableProperties(s: Synthesised, logicalId: string) {
  return s.template.toJSON().Resources[logicalId] as {
    Properties: Record<string, unknown>;
    DeletionPolicy?: string;
    UpdateReplacePolicy?: string;
  };
}

describe('DynamoDB tables', () => {
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

  it('builds the idempotency table from table-design: key id, TTL on expiration', () => {
    const { Properties } = tableProperties(s, s.logicalId(s.reservations.idempotencyTable));
    expect(Properties.KeySchema).toEqual([
      { AttributeName: idempotencyTableDesign.partitionKey, KeyType: 'HASH' },
    ]);
    expect(Properties.TimeToLiveSpecification).toEqual({
      AttributeName: 'expiration',
      Enabled: true,
    });
    expect(Properties.GlobalSecondaryIndexes).toBeUndefined();
  });

  it('makes both tables on-demand, encrypted with the AWS managed key, with PITR', () => {
    for (const table of [s.reservations.table, s.reservations.idempotencyTable]) {
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

  it('creates both secrets empty: no generated value, no placeholder', () => {
    const secrets = Object.values(s.template.findResources('AWS::SecretsManager::Secret'));
    expect(secrets).toHaveLength(2);
    for (const secret of secrets) {
      expect(secret.Properties.GenerateSecretString).toBeUndefined();
      expect(secret.Properties.SecretString).toBeUndefined();
    }
  });
});
