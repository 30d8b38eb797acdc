import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BluestakesSimulator, startBluestakesSimulator } from '../../../local/bluestakes-simulator';
import { jwtPart, loginJson, messageOf, request } from './http-client';

const LOGIN_FAILED = 'No user found, wrong password, or account disabled/expired';

let sim: BluestakesSimulator;

beforeAll(async () => {
  sim = await startBluestakesSimulator({
    accounts: [
      { username: 'digger', password: 'dig-pass', tickets: 2 },
      { username: 'gone', password: 'gone-pass', disabled: true, tickets: 1 },
    ],
  });
});

afterAll(async () => {
  await sim.close();
});

describe('successful logins', () => {
  it('answers the JSON login with the whole Authorization header value', async () => {
    const result = await loginJson(sim, { username: 'digger', password: 'dig-pass' });

    expect(result.status).toBe(200);
    expect(result.body).toEqual({ Authorization: expect.stringMatching(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/) });
  });

  it('accepts the form-encoded login the TypeScript clients send', async () => {
    const result = await request(sim, '/api/login', {
      method: 'POST',
      body: new URLSearchParams({ username: 'digger', password: 'dig-pass' }),
    });

    expect(result.status).toBe(200);
    expect((result.body as { Authorization: string }).Authorization).toMatch(/^Bearer /);
  });

  it('issues an HS256 JWT with sub, iat, exp one lifetime later, and a unique jti', async () => {
    const tokens = await Promise.all(
      [1, 2].map(async () => {
        const result = await loginJson(sim, { username: 'digger', password: 'dig-pass' });
        return (result.body as { Authorization: string }).Authorization.slice(7);
      }),
    );
    const [first, second] = tokens.map((token) => jwtPart(token, 1));

    expect(jwtPart(tokens[0] ?? '', 0)).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(first).toMatchObject({ sub: 'digger', jti: expect.any(String) });
    const lifetime = (first?.exp as number) - (first?.iat as number);
    expect(lifetime === 3600 || lifetime === 3601).toBe(true);
    expect(first?.jti).not.toEqual(second?.jti);
  });
});

describe('rejected logins', () => {
  it.each([
    ['an unknown user', { username: 'nobody', password: 'dig-pass' }],
    ['a wrong password', { username: 'digger', password: 'wrong' }],
    ['a disabled account', { username: 'gone', password: 'gone-pass' }],
  ])('answers 401 with the documented message for %s', async (_case, body) => {
    const result = await loginJson(sim, body);

    expect(result.status).toBe(401);
    expect(result.body).toEqual({ message: LOGIN_FAILED });
  });

  it.each([
    ['malformed JSON', '{"username": "digger",'],
    ['a JSON array', '[]'],
    ['JSON null', 'null'],
    ['a missing password', { username: 'digger' }],
    ['a missing username', { password: 'dig-pass' }],
    ['a numeric username', { username: 42, password: 'dig-pass' }],
    ['an empty password', { username: 'digger', password: '' }],
    ['an empty body', ''],
  ])('answers 400 with a message for %s', async (_case, body) => {
    const result = await loginJson(sim, body);

    expect(result.status).toBe(400);
    expect(messageOf(result)).toEqual(expect.any(String));
  });

  it('answers 400 when the JSON route gets another content type', async () => {
    const result = await request(sim, '/api/login-json', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ username: 'digger', password: 'dig-pass' }),
    });

    expect(result.status).toBe(400);
    expect(messageOf(result)).toMatch(/application\/json/);
  });

  it('answers 400 when the form route gets JSON', async () => {
    const result = await request(sim, '/api/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'digger', password: 'dig-pass' }),
    });

    expect(result.status).toBe(400);
  });

  it('answers 400 for a form body without a password', async () => {
    const result = await request(sim, '/api/login', {
      method: 'POST',
      body: new URLSearchParams({ username: 'digger' }),
    });

    expect(result.status).toBe(400);
  });

  it('answers 405 with Allow for a GET on a login route', async () => {
    const result = await request(sim, '/api/login-json');

    expect(result.status).toBe(405);
    expect(result.headers.get('allow')).toBe('POST');
  });
});

describe('oversized bodies', () => {
  const huge = JSON.stringify({ username: 'digger', password: 'x'.repeat(200 * 1024) });

  it('answers 413 JSON for a body over 64 KiB and keeps serving', async () => {
    const result = await loginJson(sim, huge);

    expect(result.status).toBe(413);
    expect(messageOf(result)).toEqual(expect.any(String));
    expect((await loginJson(sim, { username: 'digger', password: 'dig-pass' })).status).toBe(200);
  });

  it('answers 413 for a chunked upload that declares no length', async () => {
    const chunk = new TextEncoder().encode('a'.repeat(16 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 10) return controller.close();
        sent += 1;
        controller.enqueue(chunk);
      },
    });
    const result = await request(sim, '/api/login-json', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);

    expect(result.status).toBe(413);
    expect((await loginJson(sim, { username: 'digger', password: 'dig-pass' })).status).toBe(200);
  });
});

describe('login counters', () => {
  it('counts successful and failed logins per account, unknown usernames included', async () => {
    sim.resetStats();

    await loginJson(sim, { username: 'digger', password: 'dig-pass' });
    await loginJson(sim, { username: 'digger', password: 'nope' });
    await loginJson(sim, { username: 'digger', password: 'dig-pass' });
    await loginJson(sim, { username: 'stranger', password: 'x' });
    await loginJson(sim, '{not json');

    const stats = sim.stats();
    expect(stats.logins).toEqual({ digger: { ok: 2, failed: 1 }, stranger: { ok: 0, failed: 1 } });
    expect(stats.tokensIssued).toBe(2);
    expect(stats.requestsByEndpoint['POST /api/login-json']).toBe(5);
    expect(stats.responsesByStatus).toEqual({ '200': 2, '400': 1, '401': 2 });
    expect(stats.requestsByAccount).toEqual({ digger: 3, stranger: 1 });
  });
});
