/**
 * The floor of a function that uses DynamoDB (with lib-dynamodb), EventBridge and Secrets
 * Manager: the same SDK clients, constructed at import, and a handler that does nothing else.
 * `npm run bench` builds it with the house function's bundling and compares each function's cold
 * start with it.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const events = new EventBridgeClient({});
const secrets = new SecretsManagerClient({});

export const handler = async () => ({
  statusCode: 200,
  body: String(Boolean(documents && events && secrets)),
});
