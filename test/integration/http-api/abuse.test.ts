import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { setDefaultTokenManager } from '@bluestakes/token-manager/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_ROUTES, type HttpRoute } from '../../../functions/http-routes';
import { type LocalApiGateway, loadFunctionHandler, startLocalApiGateway } from '../../../local/api-gateway';
import { ROOT } from '../../../scripts/load/stack-process';
import { startTokenServiceHarness, type TokenServiceHarness } from '../../support/token-service-harness';
import { rawRequest } from './raw-http';

/**
 * What someone without the API key, or with it and bad intent, can make the service do: the local
 * gateway (API Gateway's rules) in front of the real handlers, the real library, the Data API
 * emulator, the Secrets Manager stand-in and the simulator. "No work" is checked on all four:
 * handler invocations, Data API calls, Secrets Manager calls and upstream requests.
 * The deployed API's key requirement is covered by test/infra/token-service-stack.test.ts
 * ("has one method per route, each requiring an API key").
 */
const API_KEY = 'Abuse-Test-Key-7f3c9a1e5b2d4c6f8a0b';
const NOTE_PASSWORD = 'query-string-password-5c1d9e';

describe('abuse of the HTTP API', () => {
  let harness: TokenServiceHarness;
  let gateway: LocalApiGateway;
  const invocations: string[] = [];

  beforeAll(async () => {
    harness = await startTokenServiceHarness({ companies: 1 });
    setDefaultTokenManager(harness.createManager());
    gateway = await startLocalApiGateway({
      apiKey: API_KEY,
      port: 0,
      host: '127.0.0.1',
      routes: HTTP_ROUTES,
      loadHandler: async (folder) => {
        const real = await loadFunctionHandler(folder);
        return (event, context) => {
          invocations.push(folder);
          return real(event, context);
        };
      },
    });
  });

  afterAll(async () => {
    await gateway?.close();
    setDefaultTokenManager(undefined);
    await harness?.close();
  });

  /** Everything that would show work done on a request's behalf. */
  const work = () => ({
    handlers: invocations.length,
    dataApi: harness.dataApi.emulator.stats.calls,
    secrets: Object.values(harness.secrets.stats.calls).reduce((sum, count) => sum + count, 0),
    upstream: harness.simulator.stats().totalRequests,
  });

  const concretePath = (route: HttpRoute) =>
    route.path.replace('{company_id}', '1').replace(/\{[a-z_]+\}/g, 'A260010001');

  const nearMisses: readonly (readonly [string, Record<string, string | readonly string[]>, string?])[] = [
    ['no key', {}],
    ['an empty key', { 'x-api-key': '' }],
    ['a wrong key of the same length', { 'x-api-key': API_KEY.replace(/./g, 'x') }],
    ['the key in another case', { 'x-api-key': API_KEY.toLowerCase() }],
    ['a prefix of the key', { 'x-api-key': API_KEY.slice(0, -1) }],
    ['the key with a suffix', { 'x-api-key': `${API_KEY}0` }],
    ['the key sent twice', { 'x-api-key': [API_KEY, API_KEY] }],
    ['the key as a bearer token', { authorization: `Bearer ${API_KEY}` }],
    ['the key under another header name', { 'x-apikey': API_KEY, 'api-key': API_KEY }],
    ['the key in the query string', {}, `?x-api-key=${API_KEY}&api_key=${API_KEY}`],
  ];

  it.each(HTTP_ROUTES.map((route) => [route.method, route.path, route] as const))(
    'refuses every near miss of the API key on %s %s before any handler, database, secret or upstream work',
    async (method, _path, route) => {
      const before = work();
      for (const [name, headers, query = ''] of nearMisses) {
        const res = await rawRequest(gateway.url, {
          method,
          path: `${concretePath(route)}${query}`,
          headers: { 'content-type': 'application/json', ...headers },
          ...(method === 'POST' ? { body: '{"username":"u","password":"p"}' } : {}),
        });
        expect({ name, status: res.status, body: res.text }).toEqual({
          name,
          status: 403,
          body: JSON.stringify({ message: 'Forbidden' }),
        });
      }
      expect(work()).toEqual(before);
    },
  );

  it('refuses a body over 16 KiB on every route with 413 before the library does any work', async () => {
    const before = work();
    const body = JSON.stringify({ username: 'u', password: 'p', pad: 'x'.repeat(17 * 1024) });
    for (const route of HTTP_ROUTES) {
      const res = await rawRequest(gateway.url, {
        method: route.method,
        path: concretePath(route),
        headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' },
        body,
      });
      expect({ route: route.path, status: res.status, code: JSON.parse(res.text).error?.code }).toEqual({
        route: route.path,
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
      });
    }
    expect(work()).toMatchObject({
      handlers: before.handlers + HTTP_ROUTES.length,
      dataApi: before.dataApi,
      secrets: before.secrets,
      upstream: before.upstream,
    });
  });

  it('refuses credentials in the query string on every route with 400, never echoing them and doing no work', async () => {
    const before = work();
    for (const route of HTTP_ROUTES) {
      const res = await rawRequest(gateway.url, {
        method: route.method,
        path: `${concretePath(route)}?username=someone&password=${NOTE_PASSWORD}`,
        headers: { 'x-api-key': API_KEY, 'content-type': 'application/json' },
        ...(route.method === 'POST' ? { body: '{}' } : {}),
      });
      expect({ route: route.path, status: res.status, code: JSON.parse(res.text).error?.code }).toEqual({
        route: route.path,
        status: 400,
        code: 'CREDENTIALS_IN_QUERY',
      });
      expect(res.text).not.toContain(NOTE_PASSWORD);
    }
    expect(work()).toMatchObject({
      dataApi: before.dataApi,
      secrets: before.secrets,
      upstream: before.upstream,
    });
  });

  it('answers request headers over Node’s 16 KiB limit with 431 before routing or the key check', async () => {
    const before = work();
    const res = await rawRequest(gateway.url, {
      method: 'GET',
      path: '/tokens/stats',
      headers: { 'x-api-key': API_KEY, 'x-padding': 'a'.repeat(20 * 1024) },
    });
    expect(res.status).toBe(431);
    expect(work()).toEqual(before);
  });
});

describe('secret comparisons in the code', () => {
  async function sourceFiles(dir: string): Promise<string[]> {
    const entries = await readdir(dir, { withFileTypes: true, recursive: true });
    return entries
      .filter(
        (entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.parentPath.includes('node_modules'),
      )
      .map((entry) => join(entry.parentPath, entry.name));
  }

  it('never compares an API key, password, signature or bearer value with == or ===', async () => {
    const files = (
      await Promise.all(['functions', 'lib', 'local'].map((dir) => sourceFiles(join(ROOT, dir))))
    ).flat();
    const secretName = String.raw`[\w.]*(?:apiKey|ApiKey|api_key|password|Password|signature|Signature|bearer|Bearer|passwordDigest)\w*`;
    const notLiteral = String.raw`(?!\s*(?:undefined|null|'|"|\x60|\d))`;
    const operator = '(?:[!=]==|[!=]=)(?!=)';
    const comparison = new RegExp(
      String.raw`(?:\b${secretName}\s*${operator}${notLiteral})|(?:${operator}\s*${secretName}\b(?!\.length))`,
    );
    const offenders: string[] = [];
    for (const file of files) {
      const lines = (await readFile(file, 'utf8')).split('\n');
      lines.forEach((line, index) => {
        if (/^\s*(\/\/|\*)/.test(line) || /typeof\s/.test(line) || /\.length\s*[!=]==/.test(line)) return;
        if (comparison.test(line)) offenders.push(`${relative(ROOT, file)}:${index + 1}: ${line.trim()}`);
      });
    }
    expect(offenders).toEqual([]);
  });

  it('checks the API key, simulator passwords and JWT signatures with timingSafeEqual', async () => {
    for (const [file, site] of [
      ['local/api-gateway/api-key.ts', 'timingSafeEqual(digest(presented), digest(expected))'],
      ['local/bluestakes-simulator/accounts.ts', 'timingSafeEqual(given, account.passwordDigest)'],
      ['local/bluestakes-simulator/jwt.ts', 'timingSafeEqual(given, expected)'],
    ] as const) {
      expect(await readFile(join(ROOT, file), 'utf8')).toContain(site);
    }
  });
});
