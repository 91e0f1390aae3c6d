import { localAwsClientConfig } from './local-aws.ts';

/** Values used when nothing is configured; documented in docs/local.md. */
export const LOCAL_DEFAULTS = {
  host: '127.0.0.1',
  port: 3000,
  dynamoDbPort: 8000,
  eventBridgePort: 4010,
  sandboxPort: 4020,
  frontPaymentToken: 'local-sandbox-token',
  callbackSecret: 'local-callback-secret',
  tableNames: { reservations: 'reservations' },
  eventBusName: 'front-payment-reservations',
  publishPendingIntervalMs: 15_000,
  /** The reconciler runs this often locally (5 minutes in AWS), so its work shows quickly. */
  reconcileIntervalMs: 10_000,
  logLevel: 'INFO',
  region: localAwsClientConfig.region,
} as const;

/** The variable that sets each port, named in "port taken" advice. */
export const PORT_VARIABLES = {
  port: 'PORT',
  dynamoDbPort: 'DYNAMODB_PORT',
  eventBridgePort: 'EVENTBRIDGE_PORT',
  sandboxPort: 'SANDBOX_PORT',
} as const;
