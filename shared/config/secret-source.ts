import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
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

let secretsProvider: SecretsProvider | undefined;

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
 * ends with a newline, which would silently change every checksum and token. Powertools caches
 * Secrets Manager answers for five minutes.
 */
export async function readSecret(source: SecretSource): Promise<string> {
  if (source.kind === 'value') return source.value.trim();
  // Created on first use: local runs with plain values never build a Secrets Manager client.
  secretsProvider ??= new SecretsProvider({
    clientConfig: { requestHandler: SECRETS_MANAGER_REQUEST_HANDLER },
  });
  const secret = await secretsProvider.get(source.secretId, { maxAge: SECRET_CACHE_SECONDS });
  const trimmed = typeof secret === 'string' ? secret.trim() : '';
  if (trimmed.length === 0) {
    throw new ConfigurationError(`Secret ${source.secretId} is empty or not a string`);
  }
  return trimmed;
}
