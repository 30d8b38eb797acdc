import { UpstreamUnavailableError } from '@bluestakes/token-manager';
import { setDefaultTokenManager } from '@bluestakes/token-manager/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../../functions/test-credentials/handler';
import { restApiEvent } from '../../../local/api-gateway/rest-api-event';
import { createFakeTokenManager, FAKE_ACCOUNT } from './support/fake-token-manager';
import { captureOutput, expectDocumented, invoke } from './support/http-test-kit';

const RESOURCE = '/tokens/credentials/test';

describe('POST /tokens/credentials/test', () => {
  const fake = createFakeTokenManager();

  beforeEach(() => {
    fake.reset();
    setDefaultTokenManager(fake.manager);
  });
  afterEach(() => setDefaultTokenManager(undefined));

  it('answers valid credentials with 200 and stores nothing', async () => {
    const output = captureOutput();
    const before = fake.snapshot();
    const result = await invoke(
      handler,
      restApiEvent({ method: 'POST', resource: RESOURCE, body: FAKE_ACCOUNT }),
    );

    expect(result.statusCode).toBe(200);
    expect(result.body).toEqual({
      success: true,
      message: 'Credentials are valid',
      data: {
        username: FAKE_ACCOUNT.username,
        credentials_valid: true,
        token_expires_at: '2025-06-01T13:00:00.000Z',
      },
    });
    expect(fake.calls).toEqual([{ method: 'testCredentials', args: [FAKE_ACCOUNT] }]);
    expect(fake.snapshot()).toBe(before);
    expect(result.rawBody).not.toContain(FAKE_ACCOUNT.password);
    expect(output.text()).not.toContain(FAKE_ACCOUNT.password);
    expectDocumented('POST', RESOURCE, result);
  });

  it('answers rejected credentials with 422 CREDENTIALS_REJECTED', async () => {
    captureOutput();
    const body = { username: FAKE_ACCOUNT.username, password: 'not it' };
    const result = await invoke(handler, restApiEvent({ method: 'POST', resource: RESOURCE, body }));

    expect(result.statusCode).toBe(422);
    expect(result.body).toMatchObject({ success: false, error: { code: 'CREDENTIALS_REJECTED' } });
    expectDocumented('POST', RESOURCE, result);
  });

  it('refuses the verify flag, which only storing accepts', async () => {
    captureOutput();
    const result = await invoke(
      handler,
      restApiEvent({ method: 'POST', resource: RESOURCE, body: { ...FAKE_ACCOUNT, verify: true } }),
    );
    expect(result.statusCode).toBe(400);
    expect(result.body).toMatchObject({ error: { code: 'INVALID_INPUT', field: 'verify' } });
    expect(fake.calls).toEqual([]);
  });

  it('tells an outage apart from bad credentials: 503 with Retry-After', async () => {
    captureOutput();
    fake.failWith(
      'testCredentials',
      new UpstreamUnavailableError('status', 'Bluestakes answered 502', { status: 502 }),
    );
    const result = await invoke(
      handler,
      restApiEvent({ method: 'POST', resource: RESOURCE, body: FAKE_ACCOUNT }),
    );

    expect(result.statusCode).toBe(503);
    expect(result.headers['retry-after']).toBe('30');
    expect(result.body).toMatchObject({ error: { code: 'UPSTREAM_UNAVAILABLE' } });
    expectDocumented('POST', RESOURCE, result);
  });

  it('refuses a password with a lone UTF-16 surrogate with 400 naming password, and never calls the library', async () => {
    captureOutput();
    const body = '{"username":"digger","password":"x\\udfffy"}';
    const result = await invoke(
      handler,
      restApiEvent({
        method: 'POST',
        resource: RESOURCE,
        body,
        headers: { 'Content-Type': 'application/json' },
      }),
    );

    expect(result.statusCode).toBe(400);
    expect(result.body).toMatchObject({
      success: false,
      error: { code: 'INVALID_INPUT', field: 'password' },
    });
    expect(fake.calls).toEqual([]);
    expectDocumented('POST', RESOURCE, result);
  });
});
