import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type BluestakesSimulator,
  DEMO_ACCOUNTS,
  SimulatorConfigError,
  startBluestakesSimulator,
} from '../../../local/bluestakes-simulator';
import { getWithToken, loginJson, messageOf, request, tokenFor } from './http-client';

let sim: BluestakesSimulator;

beforeAll(async () => {
  sim = await startBluestakesSimulator({ seed: 3 });
});

afterEach(() => {
  sim.configure({ searchShape: 'object', rejectWith: 401 });
});

afterAll(async () => {
  await sim.close();
});

const postJson = (path: string, body: string) =>
  request(sim, path, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

/** Sends raw bytes and returns what came back before the server closed the connection. */
function rawExchange(payload: string): Promise<string> {
  const { hostname, port } = new URL(sim.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(payload));
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString('utf8');
    });
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
  });
}

describe('defaults', () => {
  it('serves the demo accounts when none are given', async () => {
    const [first] = DEMO_ACCOUNTS;
    const disabled = DEMO_ACCOUNTS.find((account) => account.disabled);

    expect(first).toBeDefined();
    expect(sim.tickets(first?.username ?? '').length).toBeGreaterThanOrEqual(24);
    expect((await loginJson(sim, { username: first?.username, password: first?.password })).status).toBe(200);
    expect(
      (await loginJson(sim, { username: disabled?.username, password: disabled?.password })).status,
    ).toBe(401);
  });

  it('listens on 127.0.0.1 and reports the default switches', async () => {
    const result = await request(sim, '/__sim/config');

    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(result.body).toMatchObject({
      tokenLifetimeSeconds: 3600,
      revokeOnNewLogin: false,
      rejectWith: 401,
      rateLimit: null,
      isoDates: 'accept',
      searchShape: 'object',
    });
  });

  it('throws for tickets of an unknown account', () => {
    expect(() => sim.tickets('nobody')).toThrow(/Unknown simulator account/);
  });
});

describe('admin routes', () => {
  it('changes switches through POST /__sim/config', async () => {
    const [account] = DEMO_ACCOUNTS;
    const token = await tokenFor(sim, account?.username ?? '', account?.password ?? '');

    const result = await postJson(
      '/__sim/config',
      JSON.stringify({ searchShape: 'plain-array', rejectWith: 403 }),
    );

    expect(result.status).toBe(200);
    expect(sim.switches.searchShape).toBe('plain-array');
    expect(Array.isArray((await getWithToken(sim, '/api/tickets/search?limit=2', token)).body)).toBe(true);
    expect((await request(sim, '/api/tickets/search')).status).toBe(403);
  });

  it.each([
    ['an invalid value', '{"rejectWith": 500}'],
    ['an unknown switch', '{"turbo": true}'],
    ['a rate limit without a window', '{"rateLimit": {"limit": 3}}'],
    ['malformed JSON', '{"searchShape":'],
    ['a negative lifetime', '{"tokenLifetimeSeconds": -1}'],
  ])('answers 400 for %s and keeps the old switches', async (_case, body) => {
    const result = await postJson('/__sim/config', body);

    expect(result.status).toBe(400);
    expect(messageOf(result)).toEqual(expect.any(String));
    expect(sim.switches.rejectWith).toBe(401);
  });

  it('throws SimulatorConfigError for an invalid in-process patch', () => {
    expect(() => sim.configure({ isoDates: 'sometimes' as 'accept' })).toThrow(SimulatorConfigError);
  });

  it('serves the same stats as the in-process handle, and resets them', async () => {
    await request(sim, '/api/nowhere');

    const viaHttp = await request(sim, '/__sim/stats');
    expect(viaHttp.body).toEqual(sim.stats());
    expect(
      (viaHttp.body as { requestsByEndpoint: Record<string, number> }).requestsByEndpoint.other,
    ).toBeGreaterThan(0);

    expect((await request(sim, '/__sim/stats/reset', { method: 'POST' })).status).toBe(200);
    expect(sim.stats().totalRequests).toBe(0);
  });

  it('lists an account’s tickets and 404s an unknown account', async () => {
    const [account] = DEMO_ACCOUNTS;

    const known = await request(sim, `/__sim/tickets?username=${account?.username}`);
    const unknown = await request(sim, '/__sim/tickets?username=ghost');

    expect(known.body).toEqual(sim.tickets(account?.username ?? ''));
    expect(unknown.status).toBe(404);
  });
});

describe('unknown routes', () => {
  it.each(['/', '/api', '/api/nowhere', '/api/tickets', '/states', '/__sim/nothing'])(
    'answers 404 JSON for %s',
    async (path) => {
      const result = await request(sim, path);

      expect(result.status).toBe(404);
      expect(result.headers.get('content-type')).toMatch(/application\/json/);
      expect(messageOf(result)).toEqual(expect.any(String));
    },
  );
});

describe('hostile input', () => {
  it('answers arbitrary login bodies with 400 or 401, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.json(),
          fc
            .record({ username: fc.anything(), password: fc.anything() })
            .map((value) => JSON.stringify(value) ?? ''),
        ),
        async (body) => {
          const result = await postJson('/api/login-json', body);
          expect([400, 401]).toContain(result.status);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('answers a request line that is not HTTP with 400 and keeps serving', async () => {
    const answer = await rawExchange('THIS IS NOT HTTP\r\n\r\n');

    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect((await request(sim, '/__sim/stats')).status).toBe(200);
  });

  it('answers a request for an absolute-form target without failing', async () => {
    const answer = await rawExchange(
      'GET http://elsewhere.example/api/nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );

    expect(answer).toMatch(/^HTTP\/1\.1 404/);
  });

  it('survives a client that disconnects halfway through a body', async () => {
    sim.resetStats();
    const { hostname, port } = new URL(sim.url);
    const socket = connect(Number(port), hostname);
    socket.write('POST /api/login-json HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n');
    socket.write('Content-Length: 500\r\n\r\n{"user');
    while (sim.stats().totalRequests === 0) await sleep(5);

    socket.destroy();

    expect((await request(sim, '/__sim/stats')).status).toBe(200);
    expect(sim.stats().logins).toEqual({});
  });

  it('keeps serving after all of the above', async () => {
    const [account] = DEMO_ACCOUNTS;

    expect((await loginJson(sim, { username: account?.username, password: account?.password })).status).toBe(
      200,
    );
  });
});
