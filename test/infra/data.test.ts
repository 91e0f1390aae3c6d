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
      {
        IndexName: indexes.dueCallbacks.name,
        KeySchema: [
          { AttributeName: 'outbox', KeyType: 'HASH' },
          { AttributeName: 'nextAttemptAt', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
      {
        IndexName: indexes.openReservations.name,
        KeySchema: [
          { AttributeName: 'openShard', KeyType: 'HASH' },
          { AttributeName: 'nextCheckAt', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
      // The lookups (docs/lookups.md): KEYS_ONLY, so a status change never writes them.
      {
        IndexName: 'by-reference-no',
        KeySchema: [
          { AttributeName: 'referenceNo', KeyType: 'HASH' },
          { AttributeName: 'createdAt', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
      {
        IndexName: 'recent-reservations',
        KeySchema: [
          { AttributeName: 'createdShard', KeyType: 'HASH' },
          { AttributeName: 'createdAt', KeyType: 'RANGE' },
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
    expect(indexes.dueCallbacks.name).toBe('due-callbacks');
    // The due time is epoch ms: a Number key, so `<= now` compares numbers.
    expect(Properties.AttributeDefinitions).toContainEqual({
      AttributeName: 'nextAttemptAt',
      AttributeType: 'N',
    });
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

  it('adds only the lookup indexes it is given, so an existing table gains one per deployment', () => {
    const indexNames = (lookupIndexes: readonly ('by-reference-no' | 'recent-reservations')[]) => {
      const synthesised = synthReservations({ lookupIndexes });
      const { Properties } = tableProperties(
        synthesised,
        synthesised.logicalId(synthesised.reservations.table),
      );
      return (Properties.GlobalSecondaryIndexes as { IndexName: string }[]).map(
        (index) => index.IndexName,
      );
    };

    expect(indexNames([])).toEqual([
      'by-front-payment-uuid',
      'pending-events',
      'due-callbacks',
      'open-reservations',
    ]);
    expect(indexNames(['by-reference-no'])).toEqual([
      'by-front-payment-uuid',
      'pending-events',
      'due-callbacks',
      'open-reservations',
      'by-reference-no',
    ]);
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
