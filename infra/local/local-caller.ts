import type { IncomingMessage } from 'node:http';
import { LOCAL_ACCOUNT_ID, LOCAL_CALLER_ARN } from './api-gateway-event.ts';

/** `AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request, SignedHeaders=…, Signature=…` */
const SIGV4_CREDENTIAL = /^AWS4-HMAC-SHA256\s+Credential=([A-Za-z0-9]{1,128})\//;

/**
 * The principal a local request comes from, in place of the IAM authorizer: a SigV4-signed
 * request is the IAM user of its access key id (`arn:aws:iam::000000000000:user/AKID`), so two
 * local callers with different credentials are two callers, as in AWS. The signature is not
 * checked and no request is refused: locally every caller is allowed, as the IAM policy would.
 * Anything else (unsigned, a bearer token) is the one fixed local caller.
 */
export function localCallerArnOf(request: IncomingMessage): string {
  const accessKeyId = SIGV4_CREDENTIAL.exec(request.headers.authorization ?? '')?.[1];
  return accessKeyId ? `arn:aws:iam::${LOCAL_ACCOUNT_ID}:user/${accessKeyId}` : LOCAL_CALLER_ARN;
}
