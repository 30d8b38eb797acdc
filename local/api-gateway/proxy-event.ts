import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';

/** What the gateway knows about one HTTP request once routed. */
export interface ProxyRequest {
  readonly requestId: string;
  readonly method: string;
  /** The resource template, e.g. `/tokens/{company_id}`. */
  readonly resource: string;
  /** The path as sent (still percent-encoded, as REST APIs pass it), without the query string. */
  readonly path: string;
  readonly rawQuery: string;
  readonly pathParameters: Readonly<Record<string, string>>;
  /** Node's `rawHeaders`: name, value, name, value ... in the client's casing. */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  readonly sourceIp: string;
  readonly apiKey: string | null;
  readonly stage: string;
  readonly accountId: string;
  readonly apiId: string;
  readonly binaryMediaTypes: readonly string[];
  readonly receivedAt: Date;
}

type SingleValues = Record<string, string>;
type MultiValues = Record<string, string[]>;

/**
 * Headers keyed case-insensitively under the first casing seen; `headers` keeps the last value.
 * Collected in Maps: names like `constructor` or `__proto__` must not meet Object.prototype.
 */
function collectHeaders(rawHeaders: readonly string[]): { headers: SingleValues; multi: MultiValues } {
  const values = new Map<string, string[]>();
  const keyOf = new Map<string, string>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] ?? '';
    const key = keyOf.get(name.toLowerCase()) ?? name;
    keyOf.set(name.toLowerCase(), key);
    values.set(key, [...(values.get(key) ?? []), rawHeaders[i + 1] ?? '']);
  }
  return fromMultiMap(values);
}

function fromMultiMap(values: ReadonlyMap<string, string[]>): { headers: SingleValues; multi: MultiValues } {
  return {
    headers: Object.fromEntries([...values].map(([name, list]) => [name, list.at(-1) ?? ''])),
    multi: Object.fromEntries(values),
  };
}

function collectQuery(rawQuery: string): { single: SingleValues | null; multi: MultiValues | null } {
  const values = new Map<string, string[]>();
  for (const [name, value] of new URLSearchParams(rawQuery))
    values.set(name, [...(values.get(name) ?? []), value]);
  if (values.size === 0) return { single: null, multi: null };
  const { headers: single, multi } = fromMultiMap(values);
  return { single, multi };
}

function mediaTypeMatches(contentType: string, pattern: string): boolean {
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  const wanted = pattern.toLowerCase();
  return wanted.endsWith('/*') ? type.startsWith(wanted.slice(0, -1)) : type === wanted;
}

function isUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * The body as API Gateway hands it over: null when empty, base64 when the content type is a binary
 * media type of the API, or when the bytes are not UTF-8 (so nothing is silently mangled), else text.
 */
function encodeBody(body: Buffer, contentType: string, binaryMediaTypes: readonly string[]) {
  if (body.length === 0) return { body: null, isBase64Encoded: false };
  const binary = binaryMediaTypes.some((type) => mediaTypeMatches(contentType, type)) || !isUtf8(body);
  return binary
    ? { body: body.toString('base64'), isBase64Encoded: true }
    : { body: body.toString('utf8'), isBase64Encoded: false };
}

function formatRequestTime(at: Date): string {
  // API Gateway's format: 09/Apr/2015:12:34:56 +0000
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${pad(at.getUTCDate())}/${months[at.getUTCMonth()]}/${at.getUTCFullYear()}:` +
    `${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())} +0000`
  );
}

/**
 * Builds the API Gateway REST (v1) Lambda proxy event for a routed request, the way API Gateway does:
 * API Gateway's own forwarding headers added, query and path parameters decoded, `null` for absent
 * maps, and the caller's identity (source IP, API key) in `requestContext`.
 */
export function buildProxyEvent(request: ProxyRequest): APIGatewayProxyEvent {
  const traceId = `Root=1-${Math.floor(request.receivedAt.getTime() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
  const { headers, multi } = collectHeaders([
    ...request.rawHeaders,
    'X-Forwarded-For',
    request.sourceIp,
    'X-Forwarded-Proto',
    'http',
    'X-Amzn-Trace-Id',
    traceId,
  ]);
  const contentType =
    Object.entries(headers).find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
  const query = collectQuery(request.rawQuery);
  const hasPathParameters = Object.keys(request.pathParameters).length > 0;
  return {
    resource: request.resource,
    path: request.path,
    httpMethod: request.method,
    headers,
    multiValueHeaders: multi,
    queryStringParameters: query.single,
    multiValueQueryStringParameters: query.multi,
    pathParameters: hasPathParameters ? { ...request.pathParameters } : null,
    stageVariables: null,
    ...encodeBody(request.body, contentType, request.binaryMediaTypes),
    requestContext: {
      accountId: request.accountId,
      apiId: request.apiId,
      authorizer: undefined,
      domainName: headers.Host ?? headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      extendedRequestId: randomBytes(8).toString('base64url'),
      httpMethod: request.method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: request.apiKey,
        apiKeyId: request.apiKey === null ? null : 'local-api-key',
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: request.sourceIp,
        user: null,
        userAgent: Object.entries(headers).find(([name]) => name.toLowerCase() === 'user-agent')?.[1] ?? null,
        userArn: null,
      },
      path: `/${request.stage}${request.path}`,
      protocol: 'HTTP/1.1',
      requestId: request.requestId,
      requestTime: formatRequestTime(request.receivedAt),
      requestTimeEpoch: request.receivedAt.getTime(),
      resourceId: 'local',
      resourcePath: request.resource,
      stage: request.stage,
    },
  };
}
