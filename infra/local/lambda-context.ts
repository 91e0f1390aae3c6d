import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { LOCAL_ACCOUNT_ID } from './api-gateway-event.ts';

export interface LambdaContextOptions {
  readonly functionName: string;
  /** The function's configured timeout; `getRemainingTimeInMillis` counts down from it. */
  readonly timeoutMs: number;
  /** @default 512 */
  readonly memoryLimitInMB?: number;
  /** @default 'eu-north-1' */
  readonly region?: string;
  /** @default a random UUID */
  readonly awsRequestId?: string;
  /** @default now */
  readonly startedAt?: number;
}

/**
 * A Lambda context with a real deadline: middy and create-session read the remaining
 * time, and a context that never runs out would hide a handler that is too slow.
 */
export function createLambdaContext(options: LambdaContextOptions): Context {
  const deadline = (options.startedAt ?? Date.now()) + options.timeoutMs;
  const awsRequestId = options.awsRequestId ?? randomUUID();
  const region = options.region ?? 'eu-north-1';
  const legacyCallback = (name: string) => () => {
    throw new Error(`context.${name}() is the Node 0.10 callback style; handlers return promises`);
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: options.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:function:${options.functionName}`,
    memoryLimitInMB: String(options.memoryLimitInMB ?? 512),
    awsRequestId,
    logGroupName: `/aws/lambda/${options.functionName}`,
    logStreamName: `local/[$LATEST]${awsRequestId.replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: legacyCallback('done'),
    fail: legacyCallback('fail'),
    succeed: legacyCallback('succeed'),
  };
}
