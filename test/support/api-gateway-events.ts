import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';

export interface RestEventInit {
  readonly method: string;
  /** The resource template, e.g. `/tokens/{company_id}`. */
  readonly resource: string;
  readonly pathParameters?: Readonly<Record<string, string>>;
  /** Repeated names as arrays, as in `?a=1&a=2`. */
  readonly query?: Readonly<Record<string, string | readonly string[]>>;
  /** Header names are kept in the casing given, like API Gateway does. */
  readonly headers?: Readonly<Record<string, string | readonly string[]>>;
  /** A string is sent as is; any other value is JSON-encoded (and `content-type` defaults to JSON). */
  readonly body?: unknown;
  readonly isBase64Encoded?: boolean;
  readonly requestId?: string;
  readonly apiKey?: string;
  readonly sourceIp?: string;
  readonly stage?: string;
}

function fillPath(resource: string, params: Readonly<Record<string, string>>): string {
  return resource.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
}

function toMulti(values: Readonly<Record<string, string | readonly string[]>>): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => [name, typeof value === 'string' ? [value] : [...value]]),
  );
}

function toSingle(multi: Record<string, string[]>): Record<string, string> {
  return Object.fromEntries(Object.entries(multi).map(([name, values]) => [name, values.at(-1) ?? '']));
}

/**
 * An API Gateway REST (v1) Lambda proxy event as API Gateway sends it: `null` for absent query,
 * path parameters and body, both single- and multi-value maps, and a full `requestContext`.
 */
export function restApiEvent(init: RestEventInit): APIGatewayProxyEvent {
  const pathParameters = init.pathParameters ?? {};
  const path = fillPath(init.resource, pathParameters);
  const hasBody = init.body !== undefined && init.body !== null;
  const body = !hasBody ? null : typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
  const headers = toMulti({
    Host: 'abc123.execute-api.us-east-1.amazonaws.com',
    'User-Agent': 'vitest',
    'X-Forwarded-For': init.sourceIp ?? '203.0.113.7',
    ...(hasBody && typeof init.body !== 'string' ? { 'Content-Type': 'application/json' } : {}),
    ...(init.apiKey === undefined ? {} : { 'x-api-key': init.apiKey }),
    ...init.headers,
  });
  const query = init.query === undefined ? null : toMulti(init.query);
  const stage = init.stage ?? 'test';
  const now = Date.now();
  return {
    resource: init.resource,
    path,
    httpMethod: init.method,
    headers: toSingle(headers),
    multiValueHeaders: headers,
    queryStringParameters: query === null ? null : toSingle(query),
    multiValueQueryStringParameters: query,
    pathParameters: Object.keys(pathParameters).length === 0 ? null : { ...pathParameters },
    stageVariables: null,
    body,
    isBase64Encoded: init.isBase64Encoded ?? false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      authorizer: undefined,
      httpMethod: init.method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: init.apiKey ?? null,
        apiKeyId: init.apiKey === undefined ? null : 'key-id',
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: init.sourceIp ?? '203.0.113.7',
        user: null,
        userAgent: 'vitest',
        userArn: null,
      },
      path: `/${stage}${path}`,
      protocol: 'HTTP/1.1',
      requestId: init.requestId ?? randomUUID(),
      requestTimeEpoch: now,
      resourceId: 'res123',
      resourcePath: init.resource,
      stage,
    },
  };
}

/** A Lambda context with a real deadline (middy uses `getRemainingTimeInMillis` for its early timeout). */
export function lambdaContext(overrides: Partial<Context> = {}): Context {
  const deadline = Date.now() + 30_000;
  const noop = (): void => undefined;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'bluestakes-token-service-test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:bluestakes-token-service-test',
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: '/aws/lambda/bluestakes-token-service-test',
    logStreamName: '2025/01/01/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: noop,
    fail: noop,
    succeed: noop,
    ...overrides,
  };
}
