import { setDefaultTokenManager } from '@bluestakes/token-manager/testing';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  httpHandler,
  MAX_JSON_BODY_BYTES,
  parseJsonBody,
  testCredentialsBodySchema,
} from '../../../functions/shared';
import { handler as storeCredentials } from '../../../functions/store-credentials/handler';
import { handler as testCredentials } from '../../../functions/test-credentials/handler';
import { createLambdaContext } from '../../../local/api-gateway/lambda-context';
import { restApiEvent } from '../../../local/api-gateway/rest-api-event';
import { createFakeTokenManager, FAKE_ACCOUNT } from './support/fake-token-manager';
import { captureOutput, expectDocumented, expectStandardHeaders, invoke } from './support/http-test-kit';

const RESOURCE = '/tokens/credentials/test';
const fake = createFakeTokenManager();

function testEvent(
  body: unknown,
  headers: Record<string, string> = {},
  extra: Partial<APIGatewayProxyEvent> = {},
) {
  return { ...restApiEvent({ method: 'POST', resource: RESOURCE, body, headers }), ...extra };
}

beforeEach(() => {
  fake.reset();
  setDefaultTokenManager(fake.manager);
});
afterEach(() => setDefaultTokenManager(undefined));

describe('the JSON body', () => {
  it.each([
    ['truncated JSON', '{"username": "a", "password": '],
    ['a trailing comma', '{"username": "a", "password": "b",}'],
    ['single quotes', "{'username': 'a'}"],
    ['plain text', 'username=a&password=b'],
  ])('answers %s with 400 INVALID_JSON (not middy 415)', async (_name, body) => {
    captureOutput();
    const result = await invoke(testCredentials, testEvent(body, { 'Content-Type': 'application/json' }));
    expect(result.statusCode).toBe(400);
    expect(result.body).toEqual({
      success: false,
      error: { code: 'INVALID_JSON', message: 'The request body is not valid JSON' },
    });
    expect(fake.calls).toEqual([]);
    expectStandardHeaders(result);
    expectDocumented('POST', RESOURCE, result);
  });

  it.each([
    ['text/plain', 'text/plain'],
    ['form encoding', 'application/x-www-form-urlencoded'],
    ['a JSON look-alike', 'application/jsonp'],
  ])('answers %s with 415 UNSUPPORTED_MEDIA_TYPE', async (_name, contentType) => {
    captureOutput();
    const result = await invoke(
      testCredentials,
      testEvent(JSON.stringify(FAKE_ACCOUNT), { 'Content-Type': contentType }),
    );
    expect(result.statusCode).toBe(415);
    expect(result.body).toMatchObject({ success: false, error: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
    expectDocumented('POST', RESOURCE, result);
  });

  it('answers a body without any content type with 415', async () => {
    captureOutput();
    const result = await invoke(testCredentials, testEvent(JSON.stringify(FAKE_ACCOUNT)));
    expect(result.statusCode).toBe(415);
  });

  it.each([
    ['a charset parameter', { 'Content-Type': 'application/json; charset=utf-8' }],
    ['an upper-case header name', { 'CONTENT-TYPE': 'application/json' }],
    ['a +json media type', { 'content-type': 'application/merge-patch+json' }],
  ])('accepts %s', async (_name, headers) => {
    captureOutput();
    const result = await invoke(testCredentials, testEvent(JSON.stringify(FAKE_ACCOUNT), headers));
    expect(result.statusCode).toBe(200);
  });

  it('answers a missing body with 400 BODY_REQUIRED', async () => {
    captureOutput();
    const result = await invoke(
      testCredentials,
      testEvent(undefined, { 'Content-Type': 'application/json' }),
    );
    expect(result.statusCode).toBe(400);
    expect(result.body).toMatchObject({ error: { code: 'BODY_REQUIRED' } });
    expectDocumented('POST', RESOURCE, result);
  });

  it('reads a base64-encoded body as API Gateway sends binary payloads', async () => {
    captureOutput();
    const body = Buffer.from(JSON.stringify(FAKE_ACCOUNT)).toString('base64');
    const result = await invoke(
      testCredentials,
      testEvent(body, { 'Content-Type': 'application/json' }, { isBase64Encoded: true }),
    );
    expect(result.statusCode).toBe(200);
    expect(fake.calls).toEqual([{ method: 'testCredentials', args: [FAKE_ACCOUNT] }]);
  });

  it.each([
    ['as text', false],
    ['base64-encoded', true],
  ])('accepts a body that starts with a UTF-8 byte order mark (%s)', async (_name, base64) => {
    captureOutput();
    const text = `\uFEFF${JSON.stringify(FAKE_ACCOUNT)}`;
    const body = base64 ? Buffer.from(text).toString('base64') : text;
    const result = await invoke(
      testCredentials,
      testEvent(body, { 'Content-Type': 'application/json' }, { isBase64Encoded: base64 }),
    );
    expect(result.statusCode).toBe(200);
    expect(fake.calls).toEqual([{ method: 'testCredentials', args: [FAKE_ACCOUNT] }]);
  });

  it('answers a body that is not UTF-8 with 400 INVALID_JSON', async () => {
    captureOutput();
    const body = Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]).toString('base64');
    const result = await invoke(
      testCredentials,
      testEvent(body, { 'Content-Type': 'application/json' }, { isBase64Encoded: true }),
    );
    expect(result.statusCode).toBe(400);
    expect(result.body).toMatchObject({ error: { code: 'INVALID_JSON' } });
  });

  it('answers a body over 16 KiB with 413 PAYLOAD_TOO_LARGE before the handler runs', async () => {
    captureOutput();
    const body = JSON.stringify({ ...FAKE_ACCOUNT, padding: 'x'.repeat(MAX_JSON_BODY_BYTES) });
    const result = await invoke(testCredentials, testEvent(body, { 'Content-Type': 'application/json' }));
    expect(result.statusCode).toBe(413);
    expect(result.body).toMatchObject({ success: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(fake.calls).toEqual([]);
    expectDocumented('POST', RESOURCE, result);
  });

  it('counts the limit in bytes, not characters', async () => {
    captureOutput();
    const body = '€'.repeat(Math.ceil(MAX_JSON_BODY_BYTES / 3) + 1);
    expect(body.length).toBeLessThan(MAX_JSON_BODY_BYTES);
    const result = await invoke(testCredentials, testEvent(body, { 'Content-Type': 'application/json' }));
    expect(result.statusCode).toBe(413);
  });

  it('refuses the same oversized body on a route without a body', async () => {
    captureOutput();
    const { handler } = await import('../../../functions/get-token-stats/handler');
    const event = restApiEvent({
      method: 'GET',
      resource: '/tokens/stats',
      body: 'x'.repeat(MAX_JSON_BODY_BYTES + 1),
    });
    const result = await invoke(handler, event);
    expect(result.statusCode).toBe(413);
  });
});

describe('credentials in the query string', () => {
  it.each([
    ['username and password', { username: 'digger', password: 'qs-secret-1' }],
    ['only a password', { password: 'qs-secret-1' }],
    ['a differently cased name', { PassWord: 'qs-secret-1' }],
  ])('are refused with 400 CREDENTIALS_IN_QUERY (%s)', async (_name, query) => {
    captureOutput();
    const event = restApiEvent({ method: 'POST', resource: RESOURCE, body: FAKE_ACCOUNT, query });
    const result = await invoke(testCredentials, event);

    expect(result.statusCode).toBe(400);
    expect(result.body).toMatchObject({ success: false, error: { code: 'CREDENTIALS_IN_QUERY' } });
    const { message } = (result.body as { error: { message: string } }).error;
    expect(message).toMatch(/JSON body/);
    expect(message).toContain('POST /tokens/credentials/test');
    expect(message).toContain('{"username": "<username>", "password": "<password>"}');
    expect(fake.calls).toEqual([]);
    expectDocumented('POST', RESOURCE, result);
  });

  it('are refused on the store route too, even with a valid body, and never logged', async () => {
    const output = captureOutput();
    const event = restApiEvent({
      method: 'POST',
      resource: '/tokens/credentials/{company_id}',
      pathParameters: { company_id: '1001' },
      body: FAKE_ACCOUNT,
      query: { username: 'qs-user-7', password: 'qs-secret-7' },
    });
    const result = await invoke(storeCredentials, event);

    expect(result.statusCode).toBe(400);
    expect(fake.calls).toEqual([]);
    expect(output.logs().length).toBeGreaterThan(0);
    expect(output.text()).not.toContain('qs-secret-7');
    expect(output.text()).not.toContain('qs-user-7');
    expect(result.rawBody).not.toContain('qs-secret-7');
  });

  it('lets other query parameters through', async () => {
    captureOutput();
    const event = restApiEvent({
      method: 'POST',
      resource: RESOURCE,
      body: FAKE_ACCOUNT,
      query: { trace: '1' },
    });
    expect((await invoke(testCredentials, event)).statusCode).toBe(200);
  });
});

describe('the JSON body parser (@middy/http-json-body-parser)', () => {
  it('hands the handler the parsed body in event.body, after the header normalizer ran', async () => {
    captureOutput();
    let seen: unknown;
    const echo = httpHandler(
      async (event) => {
        seen = { body: event.body, headers: event.headers };
        return { statusCode: 204, body: '' };
      },
      { jsonBody: true },
    );
    const event = testEvent('{"a":[1,"x"]}', { 'CONTENT-TYPE': 'application/json' });
    const result = await echo(event, createLambdaContext());

    expect(result.statusCode).toBe(204);
    expect(seen).toMatchObject({ body: { a: [1, 'x'] }, headers: { 'content-type': 'application/json' } });
  });

  it('leaves the body alone on routes that take none', async () => {
    captureOutput();
    let seen: unknown;
    const bare = httpHandler(async (event) => {
      seen = event.body;
      return { statusCode: 204, body: '' };
    });
    await bare(testEvent('not json', { 'content-type': 'text/plain' }), createLambdaContext());
    expect(seen).toBe('not json');
  });

  it('keeps the raw body (it may hold a password) out of every log line of a refused parse', async () => {
    const output = captureOutput();
    const result = await invoke(
      testCredentials,
      testEvent('{"username":"u","password":"pw-in-bad-json"', { 'Content-Type': 'application/json' }),
    );
    expect(result.statusCode).toBe(400);
    expect(output.logs().length).toBeGreaterThan(0);
    expect(output.text()).not.toContain('pw-in-bad-json');
    expect(result.rawBody).not.toContain('pw-in-bad-json');
  });

  it('answers a handler that reads a body it was not built to parse with a 500 (a wiring mistake)', async () => {
    captureOutput();
    const miswired = httpHandler(async (event) => {
      parseJsonBody(event, testCredentialsBodySchema);
      return { statusCode: 204, body: '' };
    });
    const result = await invoke(miswired, testEvent(FAKE_ACCOUNT));
    expect(result.statusCode).toBe(500);
  });
});

describe('the middy chain', () => {
  it('adds the standard headers to a handler response that lacks them', async () => {
    captureOutput();
    const bare = httpHandler(async () => ({ statusCode: 204, body: '' }));
    const result = await bare(restApiEvent({ method: 'GET', resource: '/x' }), createLambdaContext());
    expect(result.headers).toMatchObject({ 'content-type': 'application/json', 'cache-control': 'no-store' });
  });

  it('copes with an event whose header maps are null', async () => {
    captureOutput();
    const event = {
      ...restApiEvent({ method: 'POST', resource: RESOURCE }),
      headers: null,
      multiValueHeaders: null,
    } as unknown as APIGatewayProxyEvent;
    const result = await invoke(testCredentials, event);
    expect(result.statusCode).toBe(400);
    expect(result.body).toMatchObject({ error: { code: 'BODY_REQUIRED' } });
  });

  it('logs with the Lambda context and the API request id, never the event', async () => {
    const output = captureOutput();
    const event = restApiEvent({
      method: 'POST',
      resource: RESOURCE,
      requestId: 'api-req-9',
      body: { username: 'u', password: 'pw-never-logged', extra: 1 },
    });
    await invoke(testCredentials, event, createLambdaContext({ functionName: 'fn-under-test' }));

    const [entry] = output.logs();
    expect(entry).toMatchObject({
      function_name: 'fn-under-test',
      api_request_id: 'api-req-9',
      code: 'INVALID_INPUT',
    });
    expect(output.text()).not.toContain('pw-never-logged');
  });

  it('flushes metrics on every invocation, successful or not', async () => {
    const output = captureOutput();
    await invoke(testCredentials, testEvent(FAKE_ACCOUNT));
    await invoke(testCredentials, testEvent('{', { 'Content-Type': 'application/json' }));

    const emf = output
      .text()
      .split('\n')
      .filter((line) => line.includes('"_aws"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(emf.some((blob) => blob.Http2xx === 1)).toBe(true);
    expect(emf.some((blob) => blob.Http4xx === 1)).toBe(true);
  });

  it('does not keep one request id in the logs of the next invocation', async () => {
    const output = captureOutput();
    const first = restApiEvent({
      method: 'POST',
      resource: RESOURCE,
      requestId: 'first',
      body: '{',
      headers: { 'content-type': 'application/json' },
    });
    const second = restApiEvent({
      method: 'POST',
      resource: RESOURCE,
      requestId: 'second',
      body: '{',
      headers: { 'content-type': 'application/json' },
    });
    await invoke(testCredentials, first);
    await invoke(testCredentials, second);
    const ids = output.logs().map((entry) => entry.api_request_id);
    expect(ids.slice(-2)).toEqual(['first', 'second']);
  });
});
