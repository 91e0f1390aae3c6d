import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Per try: a connection that does not open within a second, or an answer that does not come within
 * three, is abandoned and retried (the SDK's default for DynamoDB: 4 tries), instead of holding the
 * Lambda until its own timeout. `throwOnRequestTimeout` makes `requestTimeout` a real limit:
 * without it the SDK only logs a warning. DynamoDB answers single-item calls in milliseconds.
 */
export const DYNAMODB_REQUEST_HANDLER = {
  connectionTimeout: 1_000,
  requestTimeout: 3_000,
  throwOnRequestTimeout: true,
} as const;

/**
 * One DynamoDB client per Lambda container, created at cold start and reused. Locally the SDK
 * reads `AWS_ENDPOINT_URL_DYNAMODB` to reach DynamoDB Local.
 */
export const dynamoDbClient = new DynamoDBClient({ requestHandler: DYNAMODB_REQUEST_HANDLER });

/** Plain JavaScript values in and out; `undefined` fields are left out rather than rejected. */
export const documentClient = DynamoDBDocumentClient.from(dynamoDbClient, {
  marshallOptions: { removeUndefinedValues: true },
});
