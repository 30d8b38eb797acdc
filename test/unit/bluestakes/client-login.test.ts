import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createBluestakesClient,
  tokenFingerprint,
} from '../../../functions/layers/token-manager/src/bluestakes';
import {
  ConfigurationError,
  CredentialsRejectedError,
  InvalidInputError,
  UpstreamBadResponseError,
  UpstreamRateLimitedError,
  UpstreamUnavailableError,
} from '../../../functions/layers/token-manager/src/errors';
import { fakeJwt, type MockUpstream, mockUpstream, ORIGIN, rejectionOf } from './mock-upstream';

const PASSWORD = 'correct horse battery staple';
const LOGIN = { path: '/api/login-json', method: 'POST' } as const;

let upstream: MockUpstream;

afterEach(async () => {
  await upstream.close();
});

describe('login', () => {
  it('posts the credentials as JSON and returns the bare token, its fingerprint and its JWT expiry', async () => {
    upstream = mockUpstream();
    const token = fakeJwt({ sub: 'bob', exp: 1_750_000_000 });
    upstream.pool.intercept(LOGIN).reply(200, { Authorization: `Bearer ${token}` });

    const login = await upstream.client.login('bob', PASSWORD);

    expect(login).toEqual({
      token,
      fingerprint: tokenFingerprint(token),
      expiresAt: new Date(1_750_000_000_000),
    });
    const [call] = upstream.calls();
    expect(call?.method).toBe('POST');
    expect(call?.path).toBe('/api/login-json');
    expect(JSON.parse(String(call?.body))).toEqual({ username: 'bob', password: PASSWORD });
    expect(call?.headers).toMatchObject({ 'content-type': 'application/json', accept: 'application/json' });
    expect(call?.headers).not.toHaveProperty('authorization');
  });

  it('reads the JWT iat and the reply Date header, the upstream clock that judges exp', async () => {
    upstream = mockUpstream();
    const token = fakeJwt({ sub: 'bob', iat: 1_749_996_400, exp: 1_750_000_000 });
    upstream.pool
      .intercept(LOGIN)
      .reply(
        200,
        { Authorization: `Bearer ${token}` },
        { headers: { date: 'Sun, 15 Jun 2025 14:46:40 GMT' } },
      );

    const login = await upstream.client.login('bob', PASSWORD);

    expect(login.issuedAt).toEqual(new Date(1_749_996_400_000));
    expect(login.serverDate).toEqual(new Date(Date.UTC(2025, 5, 15, 14, 46, 40)));
  });

  it('answers a 401 for a password with a lone UTF-16 surrogate with CREDENTIALS_REJECTED, not a URIError', async () => {
    upstream = mockUpstream();
    const password = `pass\ud800word`;
    upstream.pool.intercept(LOGIN).reply(401, `bad password ${encodeURIComponent('pass\ufffdword')}`);

    const error = await rejectionOf(upstream.client.login('bob', password));

    expect(error).toBeInstanceOf(CredentialsRejectedError);
    expect((error as Error).message).toContain('[REDACTED]');
    expect((error as Error).message).not.toContain('%EF%BF%BD');
  });

  it('accepts a bare Authorization value and an opaque token without an expiry', async () => {
    upstream = mockUpstream();
    upstream.pool.intercept(LOGIN).reply(200, { Authorization: 'opaque-token-1' });

    const login = await upstream.client.login('bob', PASSWORD);

    expect(login.token).toBe('opaque-token-1');
    expect(login).not.toHaveProperty('expiresAt');
  });

  it('tolerates a base URL with a trailing slash or an /api suffix', async () => {
    upstream = mockUpstream({ baseUrl: `${ORIGIN}/api/` });
    upstream.pool.intercept(LOGIN).reply(200, { Authorization: 'Bearer t1' });

    await upstream.client.login('bob', PASSWORD);

    expect(upstream.calls()[0]?.path).toBe('/api/login-json');
  });

  it('treats a 200 without a token as rejected credentials', async () => {
    upstream = mockUpstream();
    upstream.pool.intercept(LOGIN).reply(200, { message: 'ok' });
    upstream.pool.intercept(LOGIN).reply(200, { Authorization: 'Bearer ' });
    upstream.pool.intercept(LOGIN).reply(200, { Authorization: 42 });

    for (let attempt = 0; attempt < 3; attempt++) {
      await expect(upstream.client.login('bob', PASSWORD)).rejects.toBeInstanceOf(CredentialsRejectedError);
    }
  });

  it('maps 401 to rejected credentials without repeating the password the upstream echoed', async () => {
    upstream = mockUpstream();
    upstream.pool.intercept(LOGIN).reply(401, { message: `wrong password ${PASSWORD} for bob` });

    const error = await rejectionOf(upstream.client.login('bob', PASSWORD));

    expect(error).toBeInstanceOf(CredentialsRejectedError);
    expect((error as Error).message).toContain('HTTP 401');
    expect((error as Error).message).toContain('[REDACTED]');
    expect((error as Error).message).not.toContain(PASSWORD);
  });

  it('maps 400 to a bad response carrying the status', async () => {
    upstream = mockUpstream();
    upstream.pool.intercept(LOGIN).reply(400, { message: 'Bad Request', echo: { password: PASSWORD } });

    const error = await rejectionOf(upstream.client.login('bob', PASSWORD));

    expect(error).toBeInstanceOf(UpstreamBadResponseError);
    expect((error as UpstreamBadResponseError).status).toBe(400);
    expect((error as Error).message).not.toContain(PASSWORD);
  });

  it('maps 429 with Retry-After, 5xx and unexpected statuses like every other call', async () => {
    upstream = mockUpstream();
    upstream.pool.intercept(LOGIN).reply(429, 'slow down', { headers: { 'retry-after': '12' } });
    upstream.pool.intercept(LOGIN).reply(503, 'maintenance');
    upstream.pool.intercept(LOGIN).reply(403, 'forbidden by firewall');

    const limited = await rejectionOf(upstream.client.login('bob', PASSWORD));
    const down = await rejectionOf(upstream.client.login('bob', PASSWORD));
    const odd = await rejectionOf(upstream.client.login('bob', PASSWORD));

    expect(limited).toBeInstanceOf(UpstreamRateLimitedError);
    expect((limited as UpstreamRateLimitedError).retryAfterMs).toBe(12_000);
    expect(down).toBeInstanceOf(UpstreamUnavailableError);
    expect(down).toMatchObject({ kind: 'status', status: 503 });
    expect(odd).toBeInstanceOf(UpstreamBadResponseError);
    expect(odd).toMatchObject({ status: 403 });
  });

  it('never quotes a 200 body it cannot parse, because it may hold a token', async () => {
    upstream = mockUpstream();
    upstream.pool.intercept(LOGIN).reply(200, 'Authorization=Bearer live-token-xyz');

    const error = await rejectionOf(upstream.client.login('bob', PASSWORD));

    expect(error).toBeInstanceOf(UpstreamBadResponseError);
    expect((error as Error).message).not.toContain('live-token-xyz');
  });

  it('turns a reset connection into a network failure', async () => {
    upstream = mockUpstream();
    upstream.pool
      .intercept(LOGIN)
      .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));

    const error = await rejectionOf(upstream.client.login('bob', PASSWORD));

    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect(error).toMatchObject({ kind: 'network' });
  });

  it('refuses empty credentials without calling the upstream or the limiter', async () => {
    const beforeRequest = vi.fn(async () => {});
    upstream = mockUpstream({ beforeRequest });

    await expect(upstream.client.login('', PASSWORD)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(upstream.client.login('bob', '  ')).rejects.toBeInstanceOf(InvalidInputError);

    expect(upstream.calls()).toHaveLength(0);
    expect(beforeRequest).not.toHaveBeenCalled();
  });

  it('asks beforeRequest first and passes its context through', async () => {
    const order: string[] = [];
    const beforeRequest = vi.fn(async () => {
      order.push('hook');
    });
    upstream = mockUpstream({ beforeRequest });
    upstream.pool.intercept(LOGIN).reply(() => {
      order.push('request');
      return { statusCode: 200, data: { Authorization: 'Bearer t1' } };
    });
    const context = { rateLimitKey: 'account:bob' };

    await upstream.client.login('bob', PASSWORD, context);

    expect(order).toEqual(['hook', 'request']);
    expect(beforeRequest).toHaveBeenCalledWith({ operation: 'login', context });
  });

  it('lets a beforeRequest error through unchanged and sends nothing', async () => {
    const limiterError = new Error('no slot');
    upstream = mockUpstream({ beforeRequest: () => Promise.reject(limiterError) });

    await expect(upstream.client.login('bob', PASSWORD)).rejects.toBe(limiterError);
    expect(upstream.calls()).toHaveLength(0);
  });

  it("rethrows the caller's abort reason when the signal is already aborted", async () => {
    upstream = mockUpstream();
    const reason = new Error('caller gave up');

    await expect(upstream.client.login('bob', PASSWORD, { signal: AbortSignal.abort(reason) })).rejects.toBe(
      reason,
    );
    expect(upstream.calls()).toHaveLength(0);
  });
});

describe('createBluestakesClient options', () => {
  it('rejects unusable options at construction', () => {
    upstream = mockUpstream();
    const bad = [
      { baseUrl: 'not a url' },
      { baseUrl: 'ftp://bluestakes.test' },
      { baseUrl: 'https://user:pw@bluestakes.test' },
      { baseUrl: 'https://bluestakes.test?x=1' },
      { baseUrl: ORIGIN, requestTimeoutMs: 0 },
      { baseUrl: ORIGIN, loginTimeoutMs: 1.5 },
      { baseUrl: ORIGIN, searchPageSize: 5000 },
      { baseUrl: ORIGIN, maxSearchPages: -1 },
      { baseUrl: ORIGIN, searchTimeZone: 'Mars/Olympus' },
    ];
    for (const options of bad) {
      expect(
        () => createBluestakesClient({ ...options, dispatcher: upstream.agent }),
        JSON.stringify(options),
      ).toThrow(ConfigurationError);
    }
  });
});
