import { DatabaseUnavailableError } from '@bluestakes/token-manager';
import { setDefaultTokenManager } from '@bluestakes/token-manager/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handler as cleanupTokens } from '../../../functions/cleanup-tokens/handler';
import { handler as clearToken } from '../../../functions/clear-token/handler';
import { handler as getTokenStats } from '../../../functions/get-token-stats/handler';
import { handler as getTokenStatus } from '../../../functions/get-token-status/handler';
import { restApiEvent } from '../../../local/api-gateway/rest-api-event';
import { createFakeTokenManager } from './support/fake-token-manager';
import { captureOutput, expectDocumented, expectStandardHeaders, invoke } from './support/http-test-kit';

const fake = createFakeTokenManager();

beforeEach(() => {
  fake.reset();
  setDefaultTokenManager(fake.manager);
  captureOutput();
});
afterEach(() => setDefaultTokenManager(undefined));

describe('GET /tokens/stats', () => {
  const event = () => restApiEvent({ method: 'GET', resource: '/tokens/stats' });

  it('keeps the original four counts and adds the richer ones', async () => {
    const result = await invoke(getTokenStats, event());

    expect(result.statusCode).toBe(200);
    expect(result.body).toMatchObject({
      success: true,
      stats: {
        total_cached: 2,
        valid_tokens: 1,
        expired_tokens: 1,
        expiring_soon: 0,
        logins_last_hour: 4,
        login_failures_last_hour: 1,
        upstream_429s_last_hour: 0,
        held_companies: 0,
      },
    });
    expect(fake.calls).toEqual([{ method: 'getTokenStats', args: [] }]);
    expectStandardHeaders(result);
    expectDocumented('GET', '/tokens/stats', result);
  });

  it('answers an unreachable database with 503 and Retry-After instead of zero counts', async () => {
    fake.failWith(
      'getTokenStats',
      new DatabaseUnavailableError('Aurora is resuming', { retryAfterMs: 8_000 }),
    );
    const result = await invoke(getTokenStats, event());

    expect(result.statusCode).toBe(503);
    expect(result.headers['retry-after']).toBe('8');
    expect(result.body).toMatchObject({ success: false, error: { code: 'DATABASE_UNAVAILABLE' } });
    expectDocumented('GET', '/tokens/stats', result);
  });
});

describe('POST /tokens/cleanup', () => {
  it('runs the cleanup once and reports tokens_cleaned with the other counts', async () => {
    const result = await invoke(cleanupTokens, restApiEvent({ method: 'POST', resource: '/tokens/cleanup' }));

    expect(result.statusCode).toBe(200);
    expect(result.body).toEqual({
      success: true,
      message: 'Removed 1 expired token',
      tokens_cleaned: 1,
      audit_events_pruned: 3,
      rate_limit_rows_pruned: 1,
    });
    expect(fake.calls).toEqual([{ method: 'cleanupExpiredTokens', args: [] }]);
    expectDocumented('POST', '/tokens/cleanup', result);
  });

  it('says "tokens" for any count but one', async () => {
    fake.answerWith('cleanupExpiredTokens', {
      tokens_cleaned: 0,
      audit_events_pruned: 0,
      rate_limit_rows_pruned: 0,
    });
    const result = await invoke(cleanupTokens, restApiEvent({ method: 'POST', resource: '/tokens/cleanup' }));
    expect(result.body).toMatchObject({ message: 'Removed 0 expired tokens', tokens_cleaned: 0 });
  });

  it('ignores a body it does not need', async () => {
    const result = await invoke(
      cleanupTokens,
      restApiEvent({
        method: 'POST',
        resource: '/tokens/cleanup',
        body: 'not json',
        headers: { 'Content-Type': 'text/plain' },
      }),
    );
    expect(result.statusCode).toBe(200);
  });
});

describe('DELETE /tokens/{company_id}', () => {
  const event = (companyId: string) =>
    restApiEvent({
      method: 'DELETE',
      resource: '/tokens/{company_id}',
      pathParameters: { company_id: companyId },
    });

  it('clears the token and names the company', async () => {
    const result = await invoke(clearToken, event('1001'));

    expect(result.statusCode).toBe(200);
    expect(result.body).toEqual({
      success: true,
      message: 'Token cleared for company 1001',
      company_id: '1001',
    });
    expect(fake.calls).toEqual([{ method: 'clearToken', args: ['1001'] }]);
    expect(fake.snapshot()).toContain('"1001",{"token":null');
    expectDocumented('DELETE', '/tokens/{company_id}', result);
  });

  it('answers an unknown company with 404 COMPANY_NOT_FOUND', async () => {
    const result = await invoke(clearToken, event('424242'));

    expect(result.statusCode).toBe(404);
    expect(result.body).toMatchObject({ success: false, error: { code: 'COMPANY_NOT_FOUND' } });
    expectDocumented('DELETE', '/tokens/{company_id}', result);
  });

  it('refuses a malformed id with 400 naming company_id and clears nothing', async () => {
    const before = fake.snapshot();
    const result = await invoke(clearToken, event('1001; DROP TABLE companies'));

    expect(result.statusCode).toBe(400);
    expect(result.body).toMatchObject({ error: { code: 'INVALID_INPUT', field: 'company_id' } });
    expect(fake.calls).toEqual([]);
    expect(fake.snapshot()).toBe(before);
  });

  it.each([' 1001', '1001\n', '1001 ', '\u00a01001', '1e3'])(
    'refuses the id %j with 400 INVALID_INPUT naming company_id, as it refuses 1e3',
    async (companyId) => {
      const result = await invoke(clearToken, event(companyId));

      expect(result.statusCode).toBe(400);
      expect(result.body).toEqual({
        success: false,
        error: {
          code: 'INVALID_INPUT',
          message: 'company_id must be a positive integer',
          field: 'company_id',
        },
      });
      expect(fake.calls).toEqual([]);
      expectDocumented('DELETE', '/tokens/{company_id}', result);
    },
  );
});

describe('GET /tokens/{company_id}/status', () => {
  const event = (companyId: string) =>
    restApiEvent({
      method: 'GET',
      resource: '/tokens/{company_id}/status',
      pathParameters: { company_id: companyId },
    });

  it('reports has_valid_token and the richer fields, never a token', async () => {
    const result = await invoke(getTokenStatus, event('1001'));

    expect(result.statusCode).toBe(200);
    expect(result.body).toMatchObject({
      success: true,
      company_id: '1001',
      has_valid_token: true,
      expires_in: 3600,
      refresh_in: 3300,
      token_fingerprint: 'fp-1001',
      lease: { held: false },
      hold: { active: false },
    });
    expect(result.body).not.toHaveProperty('token');
    expectDocumented('GET', '/tokens/{company_id}/status', result);
  });

  it('reports an expired token as not valid', async () => {
    const result = await invoke(getTokenStatus, event('1002'));
    expect(result.body).toMatchObject({ has_valid_token: false, has_token: true, expires_in: -600 });
    expectDocumented('GET', '/tokens/{company_id}/status', result);
  });

  it('answers an unknown company with 404', async () => {
    const result = await invoke(getTokenStatus, event('5'));
    expect(result.statusCode).toBe(404);
    expectDocumented('GET', '/tokens/{company_id}/status', result);
  });

  it('refuses a missing path parameter with 400', async () => {
    const bare = restApiEvent({ method: 'GET', resource: '/tokens/{company_id}/status' });
    const result = await invoke(getTokenStatus, bare);
    expect(result.statusCode).toBe(400);
    expect(result.body).toMatchObject({ error: { field: 'company_id' } });
  });
});
