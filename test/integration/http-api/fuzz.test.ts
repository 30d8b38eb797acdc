import { Agent } from 'node:http';
import { parseCompanyId } from '@bluestakes/token-manager/internal';
import { setDefaultCompanyRegistry, setDefaultTokenManager } from '@bluestakes/token-manager/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalApiGateway, startLocalApiGateway } from '../../../local/api-gateway';
import { createFakeCompanyRegistry } from '../../unit/functions/support/fake-company-registry';
import { createFakeTokenManager } from '../../unit/functions/support/fake-token-manager';
import { captureOutput } from '../../unit/functions/support/http-test-kit';
import { loadOpenApi, type SchemaObject } from '../../unit/functions/support/openapi';
import { type RawResponse, rawRequest } from './raw-http';

const API_KEY = 'fuzz-key-abcdefghijklmnopqrstuvwxyz';
// No expired token, so even a well-formed cleanup finds nothing to change.
const fake = createFakeTokenManager({ companies: { '1001': 'valid', '1003': 'none' } });
// The registry knows no company at all: every registry route the fuzz reaches must refuse.
const registryFake = createFakeCompanyRegistry([]);
const KNOWN_IDS = new Set(['1001', '1003']);
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
const openApi = loadOpenApi();
const schemas = (openApi.raw.components as { schemas: Record<string, SchemaObject> }).schemas;
let gateway: LocalApiGateway;

beforeAll(async () => {
  setDefaultTokenManager(fake.manager);
  setDefaultCompanyRegistry(registryFake.registry);
  gateway = await startLocalApiGateway({ apiKey: API_KEY });
});

afterAll(async () => {
  agent.destroy();
  await gateway?.close();
  setDefaultTokenManager(undefined);
  setDefaultCompanyRegistry(undefined);
});

function canonicalOrUndefined(value: string): string | undefined {
  try {
    return parseCompanyId(value);
  } catch {
    return undefined;
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Ids that never name a company the fake knows, so no request can change its state. */
const companyId = fc
  .oneof(
    fc.string({ maxLength: 40, unit: 'grapheme' }),
    fc.bigInt({ min: -(10n ** 21n), max: 10n ** 21n }).map(String),
    fc.constantFrom(
      '0',
      '-1',
      '1e3',
      '0x10',
      '1.0',
      ' 42 ',
      '+7',
      '9223372036854775808',
      '%',
      '%zz',
      '%00',
      '..',
    ),
    fc.integer({ min: 1, max: 999 }).map((n) => `${'0'.repeat(n % 4)}${n}`),
  )
  .filter((id) => ![id, safeDecode(id)].some((text) => KNOWN_IDS.has(canonicalOrUndefined(text) ?? '')));

/** A path segment as a sloppy client would send it: sometimes escaped, sometimes with raw `%`, `/`, `?`. */
const segmentFor = (id: string) =>
  fc.constantFrom(
    encodeURIComponent(id),
    id.replace(/[^\x21-\x7e]/gu, (char) => encodeURIComponent(char)),
  );

const path = fc.oneof(
  companyId.chain((id) =>
    segmentFor(id).chain((segment) =>
      fc.constantFrom(
        `/tokens/${segment}`,
        `/tokens/${segment}/status`,
        `/tokens/credentials/${segment}`,
        `/tokens/${segment}/status/${segment}`,
      ),
    ),
  ),
  fc.constantFrom('/tokens/stats', '/tokens/cleanup', '/tokens/credentials/test'),
  fc
    .array(
      fc.constantFrom(
        'tokens',
        'stats',
        'status',
        'credentials',
        'test',
        'cleanup',
        '',
        '.',
        '..',
        '%2F',
        '{company_id}',
        'TOKENS',
      ),
      {
        maxLength: 5,
      },
    )
    .map((segments) => `/${segments.join('/')}`),
);

const query = fc.oneof(
  fc.constant(''),
  fc
    .dictionary(
      fc.constantFrom(
        'username',
        'password',
        'Password',
        'verify',
        'x',
        '',
        'toString',
        '__proto__',
        'constructor',
      ),
      fc.string({ maxLength: 10 }),
      {
        maxKeys: 3,
      },
    )
    .map((params) => `?${new URLSearchParams(params).toString()}`),
  fc
    .string({ maxLength: 20, unit: 'binary-ascii' })
    .map((text) => `?${text.replace(/[^\x21-\x7e]/g, '%20').replace(/#/g, '')}`),
);

const FRAMING_HEADERS = new Set([
  'content-length',
  'transfer-encoding',
  'host',
  'connection',
  'expect',
  'upgrade',
  'te',
  'trailer',
]);
const headerName = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'toString'),
  fc
    .stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,19}$/)
    .filter((name) => !FRAMING_HEADERS.has(name.toLowerCase())),
);
const headerValue = fc
  .string({ maxLength: 60, unit: 'binary-ascii' })
  .map((text) => text.replace(/[^\x20-\x7e]/g, '').trim());

const headers = fc.record({
  apiKey: fc.oneof(
    { weight: 8, arbitrary: fc.constant<string | undefined>(API_KEY) },
    { weight: 1, arbitrary: fc.constant<string | undefined>(undefined) },
    { weight: 1, arbitrary: headerValue },
  ),
  contentType: fc.option(
    fc.oneof(
      fc.constantFrom(
        'application/json',
        'application/json; charset=utf-8',
        'APPLICATION/JSON',
        'text/plain',
        'application/xml',
        'application/octet-stream',
        'multipart/form-data; boundary=x',
        'application/vnd.api+json',
      ),
      headerValue,
    ),
  ),
  extra: fc.dictionary(headerName, headerValue, { maxKeys: 4 }),
});

const credentialLike = fc.dictionary(
  fc.constantFrom('username', 'password', 'verify', '__proto__', 'constructor', 'extra', ''),
  fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.string(), { maxLength: 2 }),
  ),
  { maxKeys: 4 },
);

const body = fc.oneof(
  fc.constant<string | Buffer | undefined>(undefined),
  fc.json({ maxDepth: 3 }),
  credentialLike.map((value) => JSON.stringify(value)),
  fc.string({ maxLength: 200, unit: 'grapheme' }),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
  fc.nat({ max: 40 }).map((depth) => `${'['.repeat(depth * 20)}${']'.repeat(depth * 20)}`),
  fc
    .integer({ min: 15 * 1024, max: 20 * 1024 })
    .map((size) => JSON.stringify({ username: 'u', password: 'x'.repeat(size) })),
);

const request = fc.record({
  method: fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS'),
  path,
  query,
  headers,
  body,
});

function expectWellFormed(res: RawResponse): void {
  expect(res.status).toBeLessThan(500);
  const parsed: unknown = JSON.parse(res.text);
  if (res.status < 400) {
    expect(parsed).toMatchObject({ success: true });
    return;
  }
  const isGatewayError = typeof parsed === 'object' && parsed !== null && !('success' in parsed);
  const schema = isGatewayError ? schemas.GatewayError : schemas.Error;
  expect(openApi.validate(parsed, schema as SchemaObject)).toEqual([]);
}

describe('the local gateway under malformed input', () => {
  it('never answers 5xx, never hangs, always answers JSON with a code, and changes no state', async () => {
    captureOutput();
    const before = fake.snapshot();
    const statuses = new Map<number, number>();

    await fc.assert(
      fc.asyncProperty(request, async (input) => {
        const sent: Record<string, string> = { ...input.headers.extra };
        if (input.headers.apiKey !== undefined) sent['x-api-key'] = input.headers.apiKey;
        if (input.headers.contentType !== null) sent['content-type'] = input.headers.contentType;
        const res = await rawRequest(gateway.url, {
          method: input.method,
          path: `${input.path}${input.query}`,
          headers: sent,
          ...(input.body === undefined ? {} : { body: input.body }),
          timeoutMs: 5_000,
          agent,
        });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expectWellFormed(res);
      }),
      { numRuns: 2_000 },
    );

    expect(fake.snapshot()).toBe(before);
    expect(
      registryFake.calls.filter((call) => call.method !== 'getCompany' && call.method !== 'listCompanies'),
    ).toEqual([]);
    // The run reached the handlers, not only the gateway's own 403s.
    expect([...statuses.keys()]).toEqual(expect.arrayContaining([200, 400, 403, 404, 413]));
  });
});
