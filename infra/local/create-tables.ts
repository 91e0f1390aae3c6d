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
import { reservationsTableDesign } from '#shared/reservations/table-design';

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
  // String keys, except the due-callbacks index's sort key (epoch ms).
  const keyAttributes = new Map<string, 'S' | 'N'>([
    [partitionKey, 'S'],
    [sortKey, 'S'],
    [indexes.byFrontPaymentUuid.partitionKey, 'S'],
    [indexes.pendingEvents.partitionKey, 'S'],
    [indexes.pendingEvents.sortKey, 'S'],
    [indexes.dueCallbacks.sortKey, indexes.dueCallbacks.sortKeyType],
    [indexes.openReservations.partitionKey, 'S'],
    [indexes.openReservations.sortKey, 'S'],
    [indexes.byReferenceNo.partitionKey, 'S'],
    [indexes.byReferenceNo.sortKey, 'S'],
    [indexes.recentReservations.partitionKey, 'S'],
  ]);
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
    GlobalSecondaryIndexes: [
      {
        IndexName: indexes.byFrontPaymentUuid.name,
        KeySchema: [{ AttributeName: indexes.byFrontPaymentUuid.partitionKey, KeyType: 'HASH' }],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
      {
        IndexName: indexes.pendingEvents.name,
        KeySchema: [
          { AttributeName: indexes.pendingEvents.partitionKey, KeyType: 'HASH' },
          { AttributeName: indexes.pendingEvents.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
      {
        IndexName: indexes.dueCallbacks.name,
        KeySchema: [
          { AttributeName: indexes.dueCallbacks.partitionKey, KeyType: 'HASH' },
          { AttributeName: indexes.dueCallbacks.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
      {
        IndexName: indexes.openReservations.name,
        KeySchema: [
          { AttributeName: indexes.openReservations.partitionKey, KeyType: 'HASH' },
          { AttributeName: indexes.openReservations.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
      {
        IndexName: indexes.byReferenceNo.name,
        KeySchema: [
          { AttributeName: indexes.byReferenceNo.partitionKey, KeyType: 'HASH' },
          { AttributeName: indexes.byReferenceNo.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
      {
        IndexName: indexes.recentReservations.name,
        KeySchema: [
          { AttributeName: indexes.recentReservations.partitionKey, KeyType: 'HASH' },
          { AttributeName: indexes.recentReservations.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ],
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
