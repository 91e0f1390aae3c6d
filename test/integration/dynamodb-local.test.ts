import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { reservationsTableDesign } from '#shared/reservations/table-design';
import { createLocalTables } from '../support/local-tables.ts';

describe('local tables', () => {
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
      Object.values(reservationsTableDesign.indexes)
        .map((index) => index.name)
        .sort(),
    );
  });
});
