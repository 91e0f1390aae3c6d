import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';

/**
 * How the client proves who it is, matching the API's authorizer:
 * - `sigv4` (the IAM authorizer, the default deployment): each request signed for `execute-api`
 *   with the caller's AWS credentials, by default the SDK's own chain (environment, profile,
 *   SSO, web identity, ECS and EC2 roles);
 * - `jwt` (the JWT authorizer option): a bearer token from the caller's identity provider,
 *   asked for on every try so a refreshed token is used.
 */
export type MerchantAuth =
  | {
      readonly kind: 'sigv4';
      /** The API's region, e.g. `eu-north-1`. */
      readonly region: string;
      /** @default the AWS SDK's default credential chain */
      readonly credentials?: SignerCredentials;
    }
  | { readonly kind: 'jwt'; readonly token: () => string | Promise<string> };

/** Credentials or a provider of them, as the SDK's signer takes them. */
export type SignerCredentials = ConstructorParameters<typeof SignatureV4>[0]['credentials'];

export interface OutgoingRequest {
  readonly method: 'GET' | 'POST';
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
}

/** The headers to send: the request's own and its authorization. */
export type RequestAuthorizer = (request: OutgoingRequest) => Promise<Record<string, string>>;

export function requestAuthorizerOf(auth: MerchantAuth): RequestAuthorizer {
  if (auth.kind === 'jwt') {
    return async (request) => ({
      ...request.headers,
      authorization: `Bearer ${await auth.token()}`,
    });
  }
  // The signer of the AWS SDK itself, with the hash the SDK's clients use on Node.
  const signer = new SignatureV4({
    service: 'execute-api',
    region: auth.region,
    credentials: auth.credentials ?? defaultProvider(),
    sha256: Sha256,
  });
  return async ({ method, url, headers, body }) => {
    const signed = await signer.sign({
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      // Signed as fetch sends it: `url.host` is what fetch puts into the Host header.
      headers: { ...headers, host: url.host },
      body,
    });
    const { host: _host, ...toSend } = signed.headers;
    return toSend;
  };
}
