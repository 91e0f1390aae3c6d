import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { vi } from 'vitest';
import type { LocalTables } from './local-tables.ts';

export type CreateSessionHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

export interface CreateSessionTarget {
  readonly tables: LocalTables;
  /** The sandbox's base URL. */
  readonly frontPaymentUrl: string;
  readonly token: string;
}

/**
 * Imports the create-session handler afresh, as a cold start with this environment would: the
 * test's DynamoDB Local tables, the sandbox as Front Payment, and `overrides` on top.
 */
export async function coldStartCreateSession(
  target: CreateSessionTarget,
  overrides: Record<string, string> = {},
): Promise<CreateSessionHandler> {
  Object.assign(process.env, {
    AWS_REGION: 'eu-north-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: target.tables.endpoint,
    RESERVATIONS_TABLE_NAME: target.tables.names.reservations,
    FRONT_PAYMENT_BASE_URL: target.frontPaymentUrl,
    FRONT_PAYMENT_TOKEN: target.token,
    CALLBACK_BASE_URL: 'https://api.example.test',
    FRONT_PAYMENT_TIMEOUT_MS: '2000',
    ...overrides,
  });
  vi.resetModules();
  const module = await import('../../functions/create-session/handler.ts');
  return module.handler as CreateSessionHandler;
}
