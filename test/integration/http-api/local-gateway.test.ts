import { Readable } from 'node:stream';
import { setDefaultTokenManager } from '@bluestakes/token-manager/testing';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HTTP_ROUTES } from '../../../functions/http-routes';
import {
  type AccessLogEntry,
  type LocalApiGateway,
  loadFunctionHandler,
  startLocalApiGateway,
} from '../../../local/api-gateway';
import { createFakeTokenManager, FAKE_ACCOUNT } from '../../unit/functions/support/fake-token-manager';
import { captureOutput } from '../../unit/functions/support/http-test-kit';
import { loadOpenApi } from '../../unit/functions/support/openapi';
import { rawRequest, rawSocketExchange } from './raw-http';

const API_KEY = 'local-test-key-0123456789abcdef';
const fake = createFakeTokenManager();
const seen: { event: APIGatewayProxyEvent; context: Context }[] = [];
const accessLog: AccessLogEntry[] = [];
let gateway: LocalApiGateway;

const authed = (extra: Record<string, string | readonly string[]> = {}) => ({
  'x-api-key': API_KEY,
  ...extra,
});
const json = (text: string): unknown => JSON.parse(text);

beforeAll(async () => {
  setDefaultTokenManager(fake.manager);
  gateway = await startLocalApiGateway({
    apiKey: API_KEY,
    port: 0,
    host: '127.0.0.1',
    onAccessLog: (entry) => accessLog.push(entry),
    // The real handlers, with every event and context they receive recorded on the way in (a copy:
    // the header normalizer rewrites the event's header maps in place).
    loadHandler: async (folder) => {
      const real = await loadFunctionHandler(folder);
      return (event, context) => {
        seen.push({ event: structuredClone(event), context });
        return real(event, context);
      };
    },
  });
});

afterAll(async () => {
  await gateway?.close();
  setDefaultTokenManager(undefined);
});

beforeEach(() => {
  fake.reset();
  seen.length = 0;
  accessLog.length = 0;
  captureOutput();
});

describe('routing', () => {
  it('serves a static resource before a {param} sibling', async () => {
    const res = await rawRequest(gateway.url, {
      method: 'POST',
      path: '/tokens/credentials/test',
      headers: authed({ 'Content-Type': 'application/json' }),
      body: JSON.stringify(FAKE_ACCOUNT),
    });
    expect(res.status).toBe(200);
    expect(fake.calls.map((call) => call.method)).toEqual(['testCredentials']);
    expect(seen[0]?.event.resource).toBe('/tokens/credentials/test');
    expect(seen[0]?.event.pathParameters).toBeNull();
  });

  it('passes any other segment to the {company_id} resource', async () => {
    const res = await rawRequest(gateway.url, {
      method: 'POST',
      path: '/tokens/credentials/1001',
      headers: authed({ 'Content-Type': 'application/json' }),
      body: JSON.stringify({ ...FAKE_ACCOUNT, verify: false }),
    });
    expect(res.status).toBe(200);
    expect(fake.calls).toEqual([
      { method: 'storeCredentials', args: ['1001', FAKE_ACCOUNT, { verify: false }] },
    ]);
  });

  it('routes GET /tokens/stats and GET /tokens/{company_id}/status to their own handlers', async () => {
    const stats = await rawRequest(gateway.url, { method: 'GET', path: '/tokens/stats', headers: authed() });
    const status = await rawRequest(gateway.url, {
      method: 'GET',
      path: '/tokens/1001/status',
      headers: authed(),
    });
    expect([stats.status, status.status]).toEqual([200, 200]);
    expect(fake.calls.map((call) => call.method)).toEqual(['getTokenStats', 'getTokenStatus']);
    expect(seen.map((entry) => entry.context.functionName)).toEqual([
      'bluestakes-token-service-get-token-stats',
      'bluestakes-token-service-get-token-status',
    ]);
  });

  it('tries the {company_id} branch when the static branch has no such child', async () => {
    const res = await rawRequest(gateway.url, {
      method: 'GET',
      path: '/tokens/stats/status',
      headers: authed(),
    });
    expect(res.status).toBe(400);
    expect(json(res.text)).toMatchObject({ error: { code: 'INVALID_INPUT', field: 'company_id' } });
  });

  it.each([
    ['DELETE', '/tokens/stats', 'a method the static resource does not define (no fallback to {company_id})'],
    ['GET', '/tokens/1001', 'a method the {company_id} resource does not define'],
    ['GET', '/tokens/credentials', 'a resource with no methods'],
    ['GET', '/tokens', 'a parent resource'],
    ['GET', '/', 'the root'],
    ['GET', '/unknown', 'an unknown path'],
    ['GET', '/tokens/stats/', 'a trailing slash'],
    ['GET', '//tokens/stats', 'an empty segment'],
    ['OPTIONS', '/tokens/stats', 'OPTIONS (no CORS configured)'],
    ['PUT', '/tokens/1001', 'an undefined method'],
  ])('answers %s %s with 403 Missing Authentication Token (%s)', async (method, path) => {
    const res = await rawRequest(gateway.url, { method, path, headers: authed() });
    expect(res.status).toBe(403);
    expect(json(res.text)).toEqual({ message: 'Missing Authentication Token' });
    expect(seen).toEqual([]);
  });
});

describe('the API key', () => {
  it.each(HTTP_ROUTES.map((route) => [route.method, route.path.replace('{company_id}', '1001')] as const))(
    'is required on %s %s: 403 Forbidden without it',
    async (method, path) => {
      const res = await rawRequest(gateway.url, { method, path });
      expect(res.status).toBe(403);
      expect(json(res.text)).toEqual({ message: 'Forbidden' });
      expect(seen).toEqual([]);
      expect(fake.calls).toEqual([]);
    },
  );

  it.each([
    ['a wrong key', 'not-the-key'],
    ['the key with a suffix', `${API_KEY}x`],
    ['a prefix of the key', API_KEY.slice(0, -1)],
    ['an empty key', ''],
  ])('refuses %s with 403 Forbidden', async (_name, key) => {
    const res = await rawRequest(gateway.url, {
      method: 'GET',
      path: '/tokens/stats',
      headers: { 'x-api-key': key },
    });
    expect(res.status).toBe(403);
    expect(json(res.text)).toEqual({ message: 'Forbidden' });
  });

  it('accepts the header in any casing', async () => {
    const res = await rawRequest(gateway.url, {
      method: 'GET',
      path: '/tokens/stats',
      headers: { 'X-API-Key': API_KEY },
    });
    expect(res.status).toBe(200);
  });

  it('is checked after the route: an unknown path is 403 Missing Authentication Token even without a key', async () => {
    const res = await rawRequest(gateway.url, { method: 'GET', path: '/nope' });
    expect(json(res.text)).toEqual({ message: 'Missing Authentication Token' });
  });
});

describe('the proxy event reaching the handler', () => {
  it('is a REST v1 event built from the real request', async () => {
    const res = await rawRequest(gateway.url, {
      method: 'DELETE',
      path: '/tokens/%31001?trace=a&trace=b&debug=%20yes',
      headers: authed({ 'X-Custom-Header': 'one', 'x-repeated': ['r1', 'r2'], 'User-Agent': 'gateway-test' }),
    });
    expect(res.status).toBe(200);
    const entry = seen[0];
    expect(entry).toBeDefined();
    const { event, context } = entry as { event: APIGatewayProxyEvent; context: Context };
    expect(event).toMatchObject({
      resource: '/tokens/{company_id}',
      path: '/tokens/%31001',
      httpMethod: 'DELETE',
      pathParameters: { company_id: '1001' },
      queryStringParameters: { trace: 'b', debug: ' yes' },
      multiValueQueryStringParameters: { trace: ['a', 'b'], debug: [' yes'] },
      stageVariables: null,
      body: null,
      isBase64Encoded: false,
    });
    expect(event.headers['X-Custom-Header']).toBe('one');
    expect(event.multiValueHeaders['x-repeated']).toEqual(['r1', 'r2']);
    expect(event.headers['X-Forwarded-For']).toBe('127.0.0.1');
    expect(event.requestContext).toMatchObject({
      httpMethod: 'DELETE',
      resourcePath: '/tokens/{company_id}',
      path: '/local/tokens/%31001',
      stage: 'local',
      protocol: 'HTTP/1.1',
      identity: { sourceIp: '127.0.0.1', apiKey: API_KEY, userAgent: 'gateway-test' },
    });
    expect(event.requestContext.requestId).toBe(res.headers['x-amzn-requestid']);
    expect(typeof event.requestContext.requestTimeEpoch).toBe('number');
    // The deployed HTTP functions' 25 s timeout, not a longer local one.
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(20_000);
    expect(context.getRemainingTimeInMillis()).toBeLessThanOrEqual(25_000);
    expect(context.awsRequestId).not.toBe(event.requestContext.requestId);
    expect(fake.calls).toEqual([{ method: 'clearToken', args: ['1001'] }]);
  });

  it('keeps query and header names that shadow Object.prototype as plain data', async () => {
    const res = await rawRequest(gateway.url, {
      method: 'GET',
      path: '/tokens/stats?toString&__proto__=x&constructor=1&constructor=2',
      headers: authed({ constructor: 'c', ['__proto__']: 'p' }),
    });
    expect(res.status).toBe(200);
    const event = seen[0]?.event;
    expect(Object.keys(event?.multiValueQueryStringParameters ?? {})).toEqual([
      'toString',
      '__proto__',
      'constructor',
    ]);
    expect(event?.multiValueQueryStringParameters?.constructor).toEqual(['1', '2']);
    expect(event?.queryStringParameters?.constructor).toBe('2');
    expect(event?.multiValueHeaders.constructor).toEqual(['c']);
  });

  it('carries a text body as a string and an octet-stream body base64-encoded', async () => {
    await rawRequest(gateway.url, {
      method: 'POST',
      path: '/tokens/credentials/test',
      headers: authed({ 'Content-Type': 'application/json' }),
      body: JSON.stringify(FAKE_ACCOUNT),
    });
    const binary = Buffer.from([0, 1, 2, 250, 255]);
    await rawRequest(gateway.url, {
      method: 'POST',
      path: '/tokens/credentials/test',
      headers: authed({ 'Content-Type': 'application/octet-stream' }),
      body: binary,
    });
    expect(seen[0]?.event).toMatchObject({ body: JSON.stringify(FAKE_ACCOUNT), isBase64Encoded: false });
    expect(seen[1]?.event).toMatchObject({ body: binary.toString('base64'), isBase64Encoded: true });
  });

  it('answers with the handler status, JSON headers and the API Gateway request id', async () => {
    const res = await rawRequest(gateway.url, { method: 'GET', path: '/tokens/9/status', headers: authed() });
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(json(res.text)).toMatchObject({ success: false, error: { code: 'COMPANY_NOT_FOUND' } });
  });
});

describe('payload limits', () => {
  const TEN_MIB = 10 * 1024 * 1024;

  it('answers a declared body over 10 MiB with 413 without invoking the handler', async () => {
    const res = await rawRequest(gateway.url, {
      method: 'POST',
      path: '/tokens/credentials/test',
      headers: authed({ 'Content-Type': 'application/json' }),
      body: Buffer.alloc(TEN_MIB + 1, 0x20),
      timeoutMs: 15_000,
    });
    expect(res.status).toBe(413);
    expect(json(res.text)).toEqual({ message: 'Request Too Long' });
    expect(seen).toEqual([]);
  });

  it('answers a chunked body that grows past 10 MiB with 413', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    const body = Readable.from(Array.from({ length: 11 }, () => chunk));
    const res = await rawRequest(gateway.url, {
      method: 'POST',
      path: '/tokens/credentials/test',
      headers: authed({ 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' }),
      body,
      timeoutMs: 15_000,
    });
    expect(res.status).toBe(413);
    expect(seen).toEqual([]);
  });

  it('lets a 64 KiB body through to the handler, which refuses it with 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await rawRequest(gateway.url, {
      method: 'POST',
      path: '/tokens/credentials/test',
      headers: authed({ 'Content-Type': 'application/json' }),
      body: JSON.stringify({ ...FAKE_ACCOUNT, pad: 'x'.repeat(64 * 1024) }),
    });
    expect(res.status).toBe(413);
    expect(json(res.text)).toMatchObject({ success: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(seen).toHaveLength(1);
  });
});

describe('requests Node cannot parse', () => {
  it('are answered with 400 and a JSON body', async () => {
    const reply = await rawSocketExchange(
      gateway.url,
      'GET /tokens/stats HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n',
    );
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    expect(json(reply.slice(reply.indexOf('\r\n\r\n') + 4))).toEqual({ message: 'Bad Request' });
  });
});

describe('methods no route defines', () => {
  const bodyOf = (reply: string) => json(reply.slice(reply.indexOf('\r\n\r\n') + 4));

  it('answers CONNECT with 403 and a JSON body instead of closing without a reply', async () => {
    const reply = await rawSocketExchange(
      gateway.url,
      `CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\nx-api-key: ${API_KEY}\r\n\r\n`,
    );
    expect(reply).toMatch(/^HTTP\/1\.1 403 /);
    expect(reply).toMatch(/\r\nx-amzn-requestid: [0-9a-f-]{36}\r\n/);
    expect(bodyOf(reply)).toEqual({ message: 'Missing Authentication Token' });
    expect(seen).toEqual([]);
    expect(accessLog).toMatchObject([{ method: 'CONNECT', status: 403, resource: null }]);
  });

  it.each(['PROPFIND', 'TRACE', 'PUT', 'HEAD'])(
    'answers %s on a known path with 403 Missing Authentication Token',
    async (method) => {
      const res = await rawRequest(gateway.url, { method, path: '/tokens/stats', headers: authed() });
      expect(res.status).toBe(403);
      if (method !== 'HEAD') expect(json(res.text)).toEqual({ message: 'Missing Authentication Token' });
      expect(seen).toEqual([]);
    },
  );

  it('answers a method Node does not know with 400 and a JSON body', async () => {
    const reply = await rawSocketExchange(gateway.url, 'BREW /tokens/stats HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    expect(bodyOf(reply)).toEqual({ message: 'Bad Request' });
  });
});

describe('secrets', () => {
  it('never appear in logs or the access log: not the API key, the body or the query string', async () => {
    const output = captureOutput();
    await rawRequest(gateway.url, {
      method: 'POST',
      path: '/tokens/credentials/1001?password=query-secret-99',
      headers: authed({ 'Content-Type': 'application/json' }),
      body: JSON.stringify(FAKE_ACCOUNT),
    });
    await rawRequest(gateway.url, {
      method: 'POST',
      path: '/tokens/credentials/1001',
      headers: authed({ 'Content-Type': 'application/json' }),
      body: JSON.stringify(FAKE_ACCOUNT),
    });
    const everything = output.text() + JSON.stringify(accessLog);
    expect(accessLog.map((entry) => entry.status)).toEqual([400, 200]);
    expect(accessLog[0]?.path).toBe('/tokens/credentials/1001');
    for (const secret of [API_KEY, 'query-secret-99', FAKE_ACCOUNT.password]) {
      expect(everything).not.toContain(secret);
    }
  });
});

describe('openapi.yaml and the route table', () => {
  const documented = loadOpenApi().operations();
  const routed = HTTP_ROUTES.map((route) => `${route.method} ${route.path}`);

  it('documents every route of HTTP_ROUTES', () => {
    expect(routed.filter((route) => !documented.includes(route))).toEqual([]);
  });

  it('documents no route that HTTP_ROUTES lacks', () => {
    expect(documented.filter((operation) => !routed.includes(operation))).toEqual([]);
  });
});

describe('integration failures', () => {
  const route = { method: 'GET', path: '/broken', handler: 'broken', summary: 'test only' } as const;

  async function gatewayWith(
    handler: (event: APIGatewayProxyEvent) => unknown,
    integrationTimeoutMs = 5_000,
  ) {
    return startLocalApiGateway({
      apiKey: API_KEY,
      routes: [route],
      integrationTimeoutMs,
      loadHandler: async () => handler,
    });
  }

  it.each([
    ['throws', () => Promise.reject(new Error('boom'))],
    ['returns nothing', () => Promise.resolve(undefined)],
    ['returns a non-numeric status', () => Promise.resolve({ statusCode: '200', body: '{}' })],
    ['returns a non-string body', () => Promise.resolve({ statusCode: 200, body: { a: 1 } })],
    [
      'returns a header with a newline',
      () => Promise.resolve({ statusCode: 200, headers: { 'x-a': 'a\nb' }, body: '' }),
    ],
  ])('answers 502 Internal server error when the handler %s', async (_name, handler) => {
    const broken = await gatewayWith(handler);
    try {
      const res = await rawRequest(broken.url, { method: 'GET', path: '/broken', headers: authed() });
      expect(res.status).toBe(502);
      expect(json(res.text)).toEqual({ message: 'Internal server error' });
    } finally {
      await broken.close();
    }
  });

  it('answers 504 when the handler outlives the integration timeout', async () => {
    const hanging = await gatewayWith(() => new Promise(() => undefined), 100);
    try {
      const res = await rawRequest(hanging.url, { method: 'GET', path: '/broken', headers: authed() });
      expect(res.status).toBe(504);
      expect(json(res.text)).toEqual({ message: 'Endpoint request timed out' });
    } finally {
      await hanging.close();
    }
  });

  it('refuses to start when a handler folder does not export a handler', async () => {
    await expect(
      startLocalApiGateway({ apiKey: API_KEY, routes: [{ ...route, handler: 'no-such-folder' }] }),
    ).rejects.toThrow();
  });

  it('frees its port on close', async () => {
    const temporary = await gatewayWith(() => Promise.resolve({ statusCode: 200, body: '{}' }));
    await temporary.close();
    await expect(
      rawRequest(temporary.url, { method: 'GET', path: '/broken', headers: authed() }),
    ).rejects.toThrow();
  });
});
