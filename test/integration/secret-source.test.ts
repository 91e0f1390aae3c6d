import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { readSecret } from '#shared/config/secret-source';
import { ConfigurationError } from '#shared/errors';

/**
 * A Secrets Manager stand-in answering the real SDK client over HTTP (JSON 1.1 protocol,
 * `x-amz-target: secretsmanager.GetSecretValue`): secrets by id, every call counted.
 */
const secrets = new Map<string, string>();
const calls: string[] = [];
let server: Server;

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const { SecretId } = JSON.parse(body) as { SecretId: string };
      calls.push(`${request.headers['x-amz-target']} ${SecretId}`);
      const value = secrets.get(SecretId);
      response.setHeader('content-type', 'application/x-amz-json-1.1');
      if (value === undefined) {
        response.statusCode = 400;
        response.end(
          JSON.stringify({
            __type: 'ResourceNotFoundException',
            message: "Secrets Manager can't find the specified secret.",
          }),
        );
        return;
      }
      response.end(JSON.stringify({ ARN: SecretId, Name: 'token', SecretString: value }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  // The SDK reads these when readSecret builds its client, on the first read below.
  vi.stubEnv('AWS_ENDPOINT_URL_SECRETS_MANAGER', `http://127.0.0.1:${port}`);
  vi.stubEnv('AWS_REGION', 'eu-north-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
});

afterAll(() => {
  vi.unstubAllEnvs();
  server.close();
});

beforeEach(() => {
  calls.length = 0;
  return () => vi.useRealTimers();
});

/** Each test reads secrets of its own: the kept values live as long as the module. */
const arnOf = (name: string) => `arn:aws:secretsmanager:eu-north-1:111111111111:secret:${name}`;
const fromSecretsManager = (secretId: string) => ({ kind: 'secrets-manager', secretId }) as const;

describe('readSecret from Secrets Manager', () => {
  it('reads the value once, trimmed, and keeps it for the next reads', async () => {
    const secretId = arnOf('kept');
    secrets.set(secretId, 'fp-token-123\n');

    const first = await readSecret(fromSecretsManager(secretId));
    const second = await readSecret(fromSecretsManager(secretId));

    expect([first, second]).toEqual(['fp-token-123', 'fp-token-123']);
    expect(calls).toEqual([`secretsmanager.GetSecretValue ${secretId}`]);
  });

  it('makes one call for concurrent reads of the same secret', async () => {
    const secretId = arnOf('concurrent');
    secrets.set(secretId, 'fp-token-456');

    const values = await Promise.all(
      Array.from({ length: 5 }, () => readSecret(fromSecretsManager(secretId))),
    );

    expect(new Set(values)).toEqual(new Set(['fp-token-456']));
    expect(calls).toHaveLength(1);
  });

  it('reads it again after five minutes, so a rotated token is picked up', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const secretId = arnOf('rotated');
    secrets.set(secretId, 'old-token');
    expect(await readSecret(fromSecretsManager(secretId))).toBe('old-token');

    secrets.set(secretId, 'new-token');
    vi.setSystemTime(Date.now() + 299_000);
    expect(await readSecret(fromSecretsManager(secretId))).toBe('old-token');
    vi.setSystemTime(Date.now() + 2_000);
    expect(await readSecret(fromSecretsManager(secretId))).toBe('new-token');

    expect(calls).toHaveLength(2);
  });

  it('keeps no failed read: the next read asks again', async () => {
    const secretId = arnOf('created-later');

    await expect(readSecret(fromSecretsManager(secretId))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    secrets.set(secretId, 'fp-token-789');
    expect(await readSecret(fromSecretsManager(secretId))).toBe('fp-token-789');

    expect(calls).toHaveLength(2);
  });

  it('refuses an empty secret, naming the secret and not its value', async () => {
    const secretId = arnOf('blank');
    secrets.set(secretId, '  \n');

    const read = readSecret(fromSecretsManager(secretId));

    await expect(read).rejects.toBeInstanceOf(ConfigurationError);
    await expect(read).rejects.toThrow(`Secret ${secretId} is empty or not a string`);
  });
});

describe('readSecret from a plain value', () => {
  it('returns it trimmed, without calling Secrets Manager', async () => {
    expect(await readSecret({ kind: 'value', value: ' local-token \n' })).toBe('local-token');
    expect(calls).toEqual([]);
  });
});
