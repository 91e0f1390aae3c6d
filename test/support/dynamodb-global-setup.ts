import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local.ts';
import { findFreePort } from '../../infra/local/free-port.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoDbEndpoint: string;
  }
}

/** One Amazon DynamoDB Local for the whole integration run; each test file makes its own tables. */
export default async function setup(project: TestProject) {
  const dynamoDb = await startDynamoDbLocal({ port: await findFreePort() });
  try {
    project.provide('dynamoDbEndpoint', dynamoDb.endpoint);
  } catch (error) {
    // vitest runs no teardown for a set-up that threw: stop what was started here.
    await dynamoDb.stop();
    throw error;
  }
  return () => dynamoDb.stop();
}
