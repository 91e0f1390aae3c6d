import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { createTables, type LocalTableNames } from '../../infra/local/create-tables.ts';
import { localAwsClientConfig } from '../../infra/local/local-aws.ts';

export interface LocalTables {
  readonly endpoint: string;
  readonly names: LocalTableNames;
  readonly client: DynamoDBClient;
  readonly documents: DynamoDBDocumentClient;
}

/** Fresh tables with unique names in the shared DynamoDB Local, so test files never collide. */
export async function createLocalTables(): Promise<LocalTables> {
  const endpoint = inject('dynamoDbEndpoint');
  const suffix = randomUUID().slice(0, 8);
  const names = { reservations: `reservations-${suffix}` };
  const client = new DynamoDBClient({ ...localAwsClientConfig, endpoint });
  await createTables(client, names);
  return { endpoint, names, client, documents: DynamoDBDocumentClient.from(client) };
}
