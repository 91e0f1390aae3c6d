import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { reservationsTableDesign } from '#shared/reservations/table-design';
import { createTables, reservationsTableInput } from '../../infra/local/create-tables.ts';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local.ts';
import { findFreePort } from '../../infra/local/free-port.ts';
import { localAwsClientConfig } from '../../infra/local/local-aws.ts';
import { createLocalTables } from '../support/local-tables.ts';

const designedIndexes = Object.values(reservationsTableDesign.indexes)
  .map((index) => index.name)
  .sort();

describe('local tables', () => {
  let stopAfter: { stop(): Promise<void> } | undefined;
  afterEach(async () => {
    await stopAfter?.stop();
    stopAfter = undefined;
  });

  it('creates the reservations table with the designed keys and indexes', async () => {
    const tables = await createLocalTables();

    const { Table } = await tables.client.send(
      new DescribeTableCommand({ TableName: tables.names.reservations }),
    );

    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort()).toEqual(
      designedIndexes,
    );
  });

  it('adds the indexes a table kept from an older version lacks (npm start -- --persist)', async () => {
    // Its own DynamoDB Local, as `npm start` has: on the instance every test file loads, building
    // an index took more than a minute, which says nothing about what a user waits.
    const dynamoDb = await startDynamoDbLocal({ port: await findFreePort() });
    stopAfter = dynamoDb;
    const client = new DynamoDBClient({ ...localAwsClientConfig, endpoint: dynamoDb.endpoint });
    const tableName = `reservations-${randomUUID().slice(0, 8)}`;
    const current = reservationsTableInput(tableName);
    // The table as the version before the lookups created it.
    const lookups: string[] = [
      reservationsTableDesign.indexes.byReferenceNo.name,
      reservationsTableDesign.indexes.recentReservations.name,
    ];
    await client.send(
      new CreateTableCommand({
        ...current,
        GlobalSecondaryIndexes: current.GlobalSecondaryIndexes?.filter(
          (index) => !lookups.includes(index.IndexName ?? ''),
        ),
        AttributeDefinitions: current.AttributeDefinitions?.filter(
          (attribute) =>
            !['referenceNo', 'createdAt', 'createdShard'].includes(attribute.AttributeName ?? ''),
        ),
      }),
    );

    await createTables(client, { reservations: tableName });

    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort()).toEqual(
      designedIndexes,
    );
    client.destroy();
  }, 150_000);
});
