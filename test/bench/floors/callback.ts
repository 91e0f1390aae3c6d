/**
 * The floor of callback (which verifies a callback, reads details, records the movement and
 * publishes its event): a bare handler with the same SDK clients, DynamoDB (with lib-dynamodb),
 * EventBridge and Secrets Manager, constructed at import, that can send the same commands and does
 * nothing else. `npm run bench` builds it with the house function's bundling and compares the
 * function's cold start with it; `test/infra/bench-floors.test.ts` holds its commands to the
 * function's.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { callsHandler } from './calls-handler.ts';

const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const events = new EventBridgeClient({});
const secrets = new SecretsManagerClient({});

// The calls the function makes, by name; a bench event names the one to send.
export const handler = callsHandler({
  Get: () => documents.send(new GetCommand({ TableName: 't', Key: {} })),
  Put: () => documents.send(new PutCommand({ TableName: 't', Item: {} })),
  Query: () => documents.send(new QueryCommand({ TableName: 't' })),
  TransactWrite: () => documents.send(new TransactWriteCommand({ TransactItems: [] })),
  Update: () => documents.send(new UpdateCommand({ TableName: 't', Key: {} })),
  PutEvents: () => events.send(new PutEventsCommand({ Entries: [] })),
  GetSecretValue: () => secrets.send(new GetSecretValueCommand({ SecretId: 's' })),
});
