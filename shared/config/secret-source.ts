import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigurationError } from '../errors.ts';

/** Where a secret comes from: a plain value locally, AWS Secrets Manager in AWS. */
export type SecretSource =
  | { readonly kind: 'value'; readonly value: string }
  | { readonly kind: 'secrets-manager'; readonly secretId: string };

/** Secrets Manager reads are cached this long, across invocations of a warm function. */
const SECRET_CACHE_SECONDS = 300;

/**
 * Per try, as for DynamoDB: a Secrets Manager that hangs must fail the request in seconds, not
 * hold the Lambda until its own timeout.
 */
export const SECRETS_MANAGER_REQUEST_HANDLER = {
  connectionTimeout: 1_000,
  requestTimeout: 3_000,
  throwOnRequestTimeout: true,
} as const;

let secretsManager: SecretsManagerClient | undefined;

/** Secrets Manager reads by secret id: the value (or the read in flight) and until when it is kept. */
const keptSecrets = new Map<string, { readonly value: Promise<string>; readonly until: number }>();

/**
 * Picks the source from two variables: `<NAME>_ARN` (a secret in Secrets Manager)
 * wins over `<NAME>` (the value itself, for local runs). Neither set fails loudly.
 */
export function secretSourceFromEnvironment(
  name: string,
  environment: Record<string, string | undefined> = process.env,
): SecretSource {
  const secretId = environment[`${name}_ARN`];
  if (secretId) return { kind: 'secrets-manager', secretId };
  const value = environment[name];
  if (value) return { kind: 'value', value };
  throw new ConfigurationError(`Invalid configuration: set ${name}_ARN or ${name}`);
}

/** The same, or undefined when neither variable is set (an optional secret). */
export function optionalSecretSourceFromEnvironment(
  name: string,
  environment: Record<string, string | undefined> = process.env,
): SecretSource | undefined {
  return environment[`${name}_ARN`] || environment[name]
    ? secretSourceFromEnvironment(name, environment)
    : undefined;
}

/**
 * Reads the secret, without surrounding whitespace: a value pasted into Secrets Manager often
 * ends with a newline, which would silently change every checksum and token. A value read from
 * Secrets Manager is kept five minutes across invocations of a warm function; concurrent reads
 * share one call, and a failed read is not kept.
 */
export function readSecret(source: SecretSource): Promise<string> {
  if (source.kind === 'value') return Promise.resolve(source.value.trim());
  const { secretId } = source;
  const now = Date.now();
  const kept = keptSecrets.get(secretId);
  if (kept && kept.until > now) return kept.value;
  const value = fetchSecret(secretId);
  keptSecrets.set(secretId, { value, until: now + SECRET_CACHE_SECONDS * 1000 });
  value.catch(() => {
    if (keptSecrets.get(secretId)?.value === value) keptSecrets.delete(secretId);
  });
  return value;
}

async function fetchSecret(secretId: string): Promise<string> {
  // Created on first use: local runs with plain values never build a Secrets Manager client.
  secretsManager ??= new SecretsManagerClient({ requestHandler: SECRETS_MANAGER_REQUEST_HANDLER });
  const { SecretString } = await secretsManager.send(
    new GetSecretValueCommand({ SecretId: secretId }),
  );
  const trimmed = SecretString?.trim() ?? '';
  if (trimmed.length === 0) {
    throw new ConfigurationError(`Secret ${secretId} is empty or not a string`);
  }
  return trimmed;
}
