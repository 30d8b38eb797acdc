import { randomBytes, randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

export interface LambdaContextOptions {
  readonly functionName: string;
  readonly timeoutMs: number;
  readonly region: string;
  readonly accountId: string;
  readonly memoryLimitMb: number;
}

const DEFAULTS: LambdaContextOptions = {
  functionName: 'bluestakes-token-service-local',
  timeoutMs: 30_000,
  region: 'us-east-1',
  accountId: '123456789012',
  memoryLimitMb: 256,
};

/**
 * A Lambda `Context` for one invocation, with a real deadline so middy's early-timeout logic and
 * `getRemainingTimeInMillis` behave as in Lambda.
 */
export function createLambdaContext(overrides: Partial<LambdaContextOptions> = {}): Context {
  const options = { ...DEFAULTS, ...overrides };
  const deadline = Date.now() + options.timeoutMs;
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  const ignoreCallbackStyle = (): void => undefined;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: options.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${options.region}:${options.accountId}:function:${options.functionName}`,
    memoryLimitInMB: String(options.memoryLimitMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${options.functionName}`,
    logStreamName: `${day}/[$LATEST]${randomBytes(16).toString('hex')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: ignoreCallbackStyle,
    fail: ignoreCallbackStyle,
    succeed: ignoreCallbackStyle,
  };
}
