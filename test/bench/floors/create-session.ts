/**
 * The floor of create-session (which validates a reservation, claims it, creates the session at
 * Front Payment and records it): a bare handler with the same SDK clients, DynamoDB (with
 * lib-dynamodb) and Secrets Manager, constructed at import, that can send the same commands and
 * does nothing else. `npm run bench` builds it with the house function's bundling and compares the
 * function's cold start with it; `test/infra/bench-floors.test.ts` holds its commands to the
 * function's.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { callsHandler } from './calls-handler.ts';

const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const secrets = new SecretsManagerClient({});

// The calls the function makes, by name; a bench event names the one to send.
export const handler = callsHandler({
  Get: () => documents.send(new GetCommand({ TableName: 't', Key: {} })),
  Update: () => documents.send(new UpdateCommand({ TableName: 't', Key: {} })),
  GetSecretValue: () => secrets.send(new GetSecretValueCommand({ SecretId: 's' })),
});
