import { setDefaultTokenManager } from '@bluestakes/token-manager/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../../functions/store-credentials/handler';
import { type RestEventInit, restApiEvent } from '../../../local/api-gateway/rest-api-event';
import { createFakeTokenManager, FAKE_ACCOUNT } from './support/fake-token-manager';
import { captureOutput, expectDocumented, expectStandardHeaders, invoke } from './support/http-test-kit';

const RESOURCE = '/tokens/credentials/{company_id}';

function storeEvent(companyId: string, init: Partial<RestEventInit> = {}) {
  return restApiEvent({
    method: 'POST',
    resource: RESOURCE,
    pathParameters: { company_id: companyId },
    ...init,
  });
}

describe('POST /tokens/credentials/{company_id}', () => {
  const fake = createFakeTokenManager();

  beforeEach(() => {
    fake.reset();
    setDefaultTokenManager(fake.manager);
  });
  afterEach(() => setDefaultTokenManager(undefined));

  it('verifies, stores and reports the credentials without ever returning the password', async () => {
    const output = captureOutput();
    const result = await invoke(handler, storeEvent('1003', { body: FAKE_ACCOUNT }));

    expect(result.statusCode).toBe(200);
    expect(result.body).toEqual({
      success: true,
      message: 'Credentials verified and stored',
      data: {
        company_id: '1003',
        username: FAKE_ACCOUNT.username,
        credentials_tested: true,
        credentials_valid: true,
        credentials_stored: true,
        token_cached: true,
      },
    });
    expect(fake.calls).toEqual([
      { method: 'storeCredentials', args: ['1003', FAKE_ACCOUNT, { verify: true }] },
    ]);
    expect(result.rawBody).not.toContain(FAKE_ACCOUNT.password);
    expect(output.text()).not.toContain(FAKE_ACCOUNT.password);
    expectStandardHeaders(result);
    expectDocumented('POST', RESOURCE, result);
  });

  it('stores without a login when verify is false', async () => {
    captureOutput();
    const body = { username: 'new-user', password: 'whatever', verify: false };
    const result = await invoke(handler, storeEvent('1001', { body }));

    expect(result.statusCode).toBe(200);
    expect(result.body).toMatchObject({
      message: 'Credentials stored without verification',
      data: { credentials_tested: false, credentials_valid: null, token_cached: false },
    });
    expect(fake.calls[0]?.args[2]).toEqual({ verify: false });
    expectDocumented('POST', RESOURCE, result);
  });

  it('passes the company id in canonical form', async () => {
    captureOutput();
    await invoke(handler, storeEvent('0001003', { body: FAKE_ACCOUNT }));
    expect(fake.calls[0]?.args[0]).toBe('1003');
  });

  it('answers rejected credentials with 422 CREDENTIALS_REJECTED and stores nothing', async () => {
    captureOutput();
    const before = fake.snapshot();
    const result = await invoke(handler, storeEvent('1001', { body: { username: 'x', password: 'wrong' } }));

    expect(result.statusCode).toBe(422);
    expect(result.body).toMatchObject({ success: false, error: { code: 'CREDENTIALS_REJECTED' } });
    expect(fake.snapshot()).toBe(before);
    expectDocumented('POST', RESOURCE, result);
  });

  it('answers an unknown company with 404 COMPANY_NOT_FOUND', async () => {
    captureOutput();
    const result = await invoke(handler, storeEvent('777', { body: FAKE_ACCOUNT }));
    expect(result.statusCode).toBe(404);
    expect(result.body).toMatchObject({ error: { code: 'COMPANY_NOT_FOUND' } });
    expectDocumented('POST', RESOURCE, result);
  });

  it.each([
    'abc',
    '0',
    '-5',
    '1.5',
    '99999999999999999999',
    '',
    '1e3',
    ' 1001',
    '1001\n',
    '10 01',
    '\t1001 ',
  ])('refuses the company id %j with 400 naming company_id, before any library call', async (companyId) => {
    captureOutput();
    const result = await invoke(handler, storeEvent(companyId, { body: FAKE_ACCOUNT }));
    expect(result.statusCode).toBe(400);
    expect(result.body).toMatchObject({ error: { code: 'INVALID_INPUT', field: 'company_id' } });
    expect(fake.calls).toEqual([]);
    expectDocumented('POST', RESOURCE, result);
  });

  it.each([
    ['an unknown field', { ...FAKE_ACCOUNT, remember: true }, 'remember'],
    ['a missing password', { username: 'someone' }, 'password'],
    ['an empty username', { username: '', password: 'p' }, 'username'],
    ['a numeric username', { username: 42, password: 'p' }, 'username'],
    ['an overlong username', { username: 'u'.repeat(257), password: 'p' }, 'username'],
    ['an overlong password', { username: 'u', password: 'p'.repeat(1025) }, 'password'],
    ['a string verify', { ...FAKE_ACCOUNT, verify: 'yes' }, 'verify'],
    ['an array body', [FAKE_ACCOUNT], 'body'],
    ['a JSON string body', '"just a string"', 'body'],
    ['a null body', 'null', 'body'],
  ])('refuses %s with 400 INVALID_INPUT naming the field', async (_name, body, field) => {
    captureOutput();
    const result = await invoke(
      handler,
      storeEvent('1001', { body, headers: { 'Content-Type': 'application/json' } }),
    );
    expect(result.statusCode).toBe(400);
    expect(result.body).toMatchObject({ success: false, error: { code: 'INVALID_INPUT', field } });
    expect(fake.calls).toEqual([]);
    expectDocumented('POST', RESOURCE, result);
  });

  it('refuses a __proto__ key as an unknown field', async () => {
    captureOutput();
    const body = '{"username":"u","password":"p","__proto__":{"verify":false}}';
    const result = await invoke(
      handler,
      storeEvent('1001', { body, headers: { 'content-type': 'application/json' } }),
    );
    expect(result.statusCode).toBe(400);
    expect(result.body).toMatchObject({ error: { code: 'INVALID_INPUT', field: '__proto__' } });
  });

  it('never echoes the value of a refused field', async () => {
    captureOutput();
    const secret = 'hunter2-but-way-too-long-'.repeat(50);
    const result = await invoke(handler, storeEvent('1001', { body: { username: 'u', password: secret } }));
    expect(result.statusCode).toBe(400);
    expect(result.rawBody).not.toContain('hunter2');
  });

  it.each([
    ['a lone high surrogate in the password', '{"username":"digger","password":"pa\\ud800ss"}', 'password'],
    ['a lone low surrogate in the username', '{"username":"\\udc00digger","password":"p"}', 'username'],
    ['a reversed pair', '{"username":"u","password":"\\udc00\\ud800"}', 'password'],
    [
      'a lone surrogate in an unknown field',
      '{"username":"u","password":"p","note":["ok","\\ud83d"]}',
      'note.1',
    ],
  ])(
    'refuses %s with 400 INVALID_INPUT naming the field, before any library call',
    async (_name, body, field) => {
      captureOutput();
      const result = await invoke(
        handler,
        storeEvent('1001', { body, headers: { 'content-type': 'application/json' } }),
      );
      expect(result.statusCode).toBe(400);
      expect(result.body).toMatchObject({ success: false, error: { code: 'INVALID_INPUT', field } });
      expect(fake.calls).toEqual([]);
      expectDocumented('POST', RESOURCE, result);
    },
  );

  it('accepts characters outside the BMP, written raw or as an escaped surrogate pair', async () => {
    captureOutput();
    const body = '{"username":"digger","password":"pick\\ud83d\\ude9c⛏️🚜","verify":false}';
    const result = await invoke(
      handler,
      storeEvent('1001', { body, headers: { 'content-type': 'application/json' } }),
    );
    expect(result.statusCode).toBe(200);
    expect(fake.calls[0]?.args[1]).toEqual({ username: 'digger', password: 'pick🚜⛏️🚜' });
  });
});

describe('POST /tickets/store-credentials/{company_id} (the original path)', () => {
  const fake = createFakeTokenManager();

  beforeEach(() => {
    fake.reset();
    setDefaultTokenManager(fake.manager);
  });
  afterEach(() => setDefaultTokenManager(undefined));

  const aliasEvent = (companyId: string, init: Partial<RestEventInit> = {}) =>
    restApiEvent({
      method: 'POST',
      resource: '/tickets/store-credentials/{company_id}',
      pathParameters: { company_id: companyId },
      ...init,
    });

  it('is served by the same handler, with the same JSON body and answer', async () => {
    captureOutput();
    const viaAlias = await invoke(handler, aliasEvent('1003', { body: FAKE_ACCOUNT }));
    const aliasCalls = [...fake.calls];
    fake.reset();
    const viaRoute = await invoke(handler, storeEvent('1003', { body: FAKE_ACCOUNT }));

    expect(viaAlias.statusCode).toBe(200);
    expect(viaAlias.body).toEqual(viaRoute.body);
    expect(aliasCalls).toEqual(fake.calls);
    expectDocumented('POST', '/tickets/store-credentials/{company_id}', viaAlias);
  });

  it('refuses credentials in the query string with a message showing the JSON body to send instead', async () => {
    const output = captureOutput();
    const result = await invoke(
      handler,
      aliasEvent('1003', { query: { username: 'qs-user-3', password: 'qs-secret-3' } }),
    );

    expect(result.statusCode).toBe(400);
    const { error } = result.body as { error: { code: string; message: string } };
    expect(error.code).toBe('CREDENTIALS_IN_QUERY');
    expect(error.message).toContain('POST /tickets/store-credentials/{company_id}');
    expect(error.message).toContain('content-type: application/json');
    expect(error.message).toContain('{"username": "<username>", "password": "<password>"}');
    expect(`${result.rawBody}${output.text()}`).not.toMatch(/qs-user-3|qs-secret-3/);
    expect(fake.calls).toEqual([]);
    expectDocumented('POST', '/tickets/store-credentials/{company_id}', result);
  });
});
