import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { ConfigurationError } from '../errors.ts';

/** Where a secret comes from: a plain value locally, AWS Secrets Manager in AWS. */
export type SecretSource =
  | { readonly kind: 'value'; readonly value: string }
  | { readonly kind: 'secrets-manager'; readonly secretId: string };

/** Secrets Manager reads are cached this long, across invocations of a warm function. */
const SECRET_CACHE_SECONDS = 300;

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

/** Reads the secret; Powertools caches Secrets Manager answers for five minutes. */
export async function readSecret(source: SecretSource): Promise<string> {
  if (source.kind === 'value') return source.value;
  const secret = await getSecret(source.secretId, { maxAge: SECRET_CACHE_SECONDS });
  if (typeof secret !== 'string' || secret.length === 0) {
    throw new ConfigurationError(`Secret ${source.secretId} is empty or not a string`);
  }
  return secret;
}
