import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { buildProxyEvent } from './proxy-event';

/** A request described by its parts, for code that calls a handler without an HTTP server. */
export interface RestEventInit {
  readonly method: string;
  /** The resource template, e.g. `/tokens/{company_id}`. */
  readonly resource: string;
  readonly pathParameters?: Readonly<Record<string, string>>;
  /** Repeated names as arrays, as in `?a=1&a=2`. */
  readonly query?: Readonly<Record<string, string | readonly string[]>>;
  /** Kept in the casing given; a name given here replaces the default of any casing. */
  readonly headers?: Readonly<Record<string, string | readonly string[]>>;
  /** A string is sent as is; any other value is JSON-encoded (and `Content-Type` defaults to JSON). */
  readonly body?: unknown;
  readonly requestId?: string;
  readonly apiKey?: string;
  readonly sourceIp?: string;
  readonly stage?: string;
}

function fillPath(resource: string, params: Readonly<Record<string, string>>): string {
  return resource.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
}

function listOf(value: string | readonly string[]): readonly string[] {
  return typeof value === 'string' ? [value] : value;
}

function rawHeaders(
  defaults: Readonly<Record<string, string>>,
  given: Readonly<Record<string, string | readonly string[]>>,
): string[] {
  const byName = new Map<string, [string, readonly string[]]>();
  for (const [name, value] of [...Object.entries(defaults), ...Object.entries(given)]) {
    byName.set(name.toLowerCase(), [name, listOf(value)]);
  }
  return [...byName.values()].flatMap(([name, values]) => values.flatMap((value) => [name, value]));
}

function rawQuery(query: Readonly<Record<string, string | readonly string[]>>): string {
  return new URLSearchParams(
    Object.entries(query).flatMap(([name, value]) =>
      listOf(value).map((one): [string, string] => [name, one]),
    ),
  ).toString();
}

/**
 * The REST (v1) proxy event API Gateway would send for these parts: built by the local gateway's own
 * builder, so a handler called directly sees exactly what it sees behind `npm start`.
 */
export function restApiEvent(init: RestEventInit): APIGatewayProxyEvent {
  const pathParameters = init.pathParameters ?? {};
  const hasBody = init.body !== undefined && init.body !== null;
  const body = !hasBody ? '' : typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
  const headers = rawHeaders(
    {
      Host: 'abc123.execute-api.us-east-1.amazonaws.com',
      'User-Agent': 'vitest',
      ...(hasBody && typeof init.body !== 'string' ? { 'Content-Type': 'application/json' } : {}),
      ...(init.apiKey === undefined ? {} : { 'x-api-key': init.apiKey }),
    },
    init.headers ?? {},
  );
  return buildProxyEvent({
    requestId: init.requestId ?? randomUUID(),
    method: init.method,
    resource: init.resource,
    path: fillPath(init.resource, pathParameters),
    rawQuery: init.query === undefined ? '' : rawQuery(init.query),
    pathParameters,
    rawHeaders: headers,
    body: Buffer.from(body, 'utf8'),
    sourceIp: init.sourceIp ?? '203.0.113.7',
    apiKey: init.apiKey ?? null,
    stage: init.stage ?? 'test',
    accountId: '123456789012',
    apiId: 'abc123',
    binaryMediaTypes: [],
    receivedAt: new Date(),
  });
}
