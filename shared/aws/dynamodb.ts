import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * One DynamoDB client per Lambda container, created at cold start and reused. Locally the SDK
 * reads `AWS_ENDPOINT_URL_DYNAMODB` to reach DynamoDB Local.
 */
export const dynamoDbClient = new DynamoDBClient({});

/** Plain JavaScript values in and out; `undefined` fields are left out rather than rejected. */
export const documentClient = DynamoDBDocumentClient.from(dynamoDbClient, {
  marshallOptions: { removeUndefinedValues: true },
});
