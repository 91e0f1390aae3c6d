import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { sleep } from '#shared/backoff';
import { reservationsTableDesign, sortKeyOf } from '#shared/reservations/table-design';

export interface LocalTableNames {
  readonly reservations: string;
}

/**
 * Creates the table with the keys and indexes of `table-design.ts`, as CDK does in AWS, and adds
 * the indexes a table kept from an older version (`npm start -- --persist`) lacks.
 */
export async function createTables(client: DynamoDBClient, names: LocalTableNames): Promise<void> {
  const input = reservationsTableInput(names.reservations);
  await createTableIfMissing(client, input);
  await addMissingIndexes(client, input);
  await enableTimeToLive(client, names.reservations, reservationsTableDesign.timeToLiveAttribute);
}

export function reservationsTableInput(tableName: string): CreateTableCommandInput {
  const { partitionKey, sortKey, indexes } = reservationsTableDesign;
  const keyAttributes = new Map<string, 'S' | 'N'>([
    [partitionKey, 'S'],
    [sortKey, 'S'],
  ]);
  for (const index of Object.values(indexes)) {
    keyAttributes.set(index.partitionKey, 'S');
    const indexSortKey = sortKeyOf(index);
    if (indexSortKey) keyAttributes.set(indexSortKey.name, indexSortKey.type);
  }
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...keyAttributes].map(([name, type]) => ({
      AttributeName: name,
      AttributeType: type,
    })),
    KeySchema: [
      { AttributeName: partitionKey, KeyType: 'HASH' },
      { AttributeName: sortKey, KeyType: 'RANGE' },
    ],
    // Every index of the design, KEYS_ONLY as in AWS: readers fetch the items by key afterwards.
    GlobalSecondaryIndexes: Object.values(indexes).map((index) => {
      const indexSortKey = sortKeyOf(index);
      return {
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          ...(indexSortKey
            ? [{ AttributeName: indexSortKey.name, KeyType: 'RANGE' as const }]
            : []),
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      };
    }),
  };
}

async function createTableIfMissing(client: DynamoDBClient, input: CreateTableCommandInput) {
  try {
    await client.send(new CreateTableCommand(input));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
}

/** One index per update, as DynamoDB requires; each is built before the next is asked for. */
async function addMissingIndexes(client: DynamoDBClient, input: CreateTableCommandInput) {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: input.TableName }));
  const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  for (const index of input.GlobalSecondaryIndexes ?? []) {
    if (present.has(index.IndexName)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: input.TableName,
        AttributeDefinitions: input.AttributeDefinitions,
        GlobalSecondaryIndexUpdates: [{ Create: index }],
      }),
    );
    await indexesBuilt(client, input.TableName);
  }
}

/** DynamoDB takes the next index only once the last one is built (`LimitExceededException`). */
async function indexesBuilt(client: DynamoDBClient, tableName: string | undefined) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const building = (Table?.GlobalSecondaryIndexes ?? []).filter(
      (index) => index.IndexStatus !== 'ACTIVE',
    );
    if (building.length === 0) return;
    if (Date.now() > deadline) {
      throw new Error(`The indexes of ${tableName} were not built within 60 s`);
    }
    await sleep(100);
  }
}

async function enableTimeToLive(client: DynamoDBClient, tableName: string, attribute: string) {
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: attribute, Enabled: true },
      }),
    );
  } catch (error) {
    // Asking again for TTL that is already on is an error in DynamoDB; the state is what we want.
    if (!(error instanceof Error && /already enabled/i.test(error.message))) throw error;
  }
}
