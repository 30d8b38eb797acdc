import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type BluestakesSimulator, startBluestakesSimulator } from '../../../local/bluestakes-simulator';
import { getWithToken, loginJson, request, tokenFor } from './http-client';

let sim: BluestakesSimulator;
let token: string;

beforeAll(async () => {
  sim = await startBluestakesSimulator({
    accounts: [{ username: 'crew', password: 'crew-pass', tickets: 3 }],
  });
  token = await tokenFor(sim, 'crew', 'crew-pass');
});

afterEach(() => {
  sim.clearFaults();
  sim.configure({ latencyMs: 0 });
  sim.resetStats();
});

afterAll(async () => {
  await sim.close();
});

const search = (init: RequestInit = {}) =>
  request(sim, '/api/tickets/search?limit=1', { ...init, headers: { authorization: `Bearer ${token}` } });
const login = () => loginJson(sim, { username: 'crew', password: 'crew-pass' });

describe('status faults', () => {
  it('answers the next N matching requests with the status, then recovers', async () => {
    sim.injectFaults({ kind: 'status', status: 503, count: 2 });

    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await search()).status);

    expect(statuses).toEqual([503, 503, 200]);
    expect(sim.stats().faultsInjected.status).toBe(2);
    expect(sim.stats().responsesByStatus['503']).toBe(2);
  });

  it('defaults to one request', async () => {
    sim.injectFaults({ kind: 'status', status: 500 });

    expect([(await search()).status, (await search()).status]).toEqual([500, 200]);
  });

  it('hits only ticket calls when scoped to tickets', async () => {
    sim.injectFaults({ kind: 'status', status: 502, count: 1, target: 'tickets' });

    expect((await login()).status).toBe(200);
    expect((await search()).status).toBe(502);
  });

  it('hits only logins when scoped to logins', async () => {
    sim.injectFaults({ kind: 'status', status: 504, count: 1, target: 'login' });

    expect((await search()).status).toBe(200);
    expect((await login()).status).toBe(504);
    expect((await login()).status).toBe(200);
  });

  it('hits a fraction of requests until cleared', async () => {
    sim.injectFaults({ kind: 'status', status: 502, fraction: 0.5 });

    const statuses = await Promise.all(Array.from({ length: 40 }, async () => (await search()).status));
    sim.clearFaults();
    const after = await Promise.all(Array.from({ length: 10 }, async () => (await search()).status));

    expect(statuses.filter((status) => status === 502).length).toBeGreaterThan(0);
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThan(0);
    expect(after.every((status) => status === 200)).toBe(true);
  });

  it('can be armed and cleared through the admin route', async () => {
    const arm = await request(sim, '/__sim/faults', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'status', status: 504, count: 1 }),
    });
    expect(arm.status).toBe(200);
    expect((await search()).status).toBe(504);

    await request(sim, '/__sim/faults', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'status', status: 500, count: 5 }),
    });
    expect((await request(sim, '/__sim/faults', { method: 'DELETE' })).status).toBe(200);
    expect((await search()).status).toBe(200);
  });

  it('refuses a fault it cannot honour', async () => {
    const bad = (body: unknown) =>
      request(sim, '/__sim/faults', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    expect((await bad({ kind: 'status', status: 418 })).status).toBe(400);
    expect((await bad({ kind: 'explode' })).status).toBe(400);
    expect((await bad({ kind: 'hang', fraction: 2 })).status).toBe(400);
    expect(() => sim.injectFaults({ kind: 'drop', count: 0 })).toThrow(/fault/i);
  });
});

describe('hangs and drops', () => {
  it('never answers a hung request; the client times out and the server keeps serving', async () => {
    sim.injectFaults({ kind: 'hang', count: 1 });

    const hung = search({ signal: AbortSignal.timeout(300) });

    await expect(hung).rejects.toMatchObject({ name: 'TimeoutError' });
    expect((await search()).status).toBe(200);
    expect(sim.stats().faultsInjected.hang).toBe(1);
  });

  it('drops the connection without an answer', async () => {
    sim.injectFaults({ kind: 'drop', count: 1, target: 'login' });

    await expect(login()).rejects.toThrow(TypeError);
    expect((await login()).status).toBe(200);
    expect(sim.stats().faultsInjected.drop).toBe(1);
  });

  it('closes even while a request hangs', async () => {
    const own = await startBluestakesSimulator({ accounts: [{ username: 'a', password: 'b', tickets: 1 }] });
    own.injectFaults({ kind: 'hang', target: 'login', count: 1 });
    const hung = loginJson(own, { username: 'a', password: 'b' }).then(
      () => 'answered',
      () => 'cut',
    );
    while (own.stats().faultsInjected.hang === 0) await sleep(10);

    await own.close();

    expect(await hung).toBe('cut');
  });
});

describe('latency', () => {
  it('delays every API answer by the fixed latency', async () => {
    sim.configure({ latencyMs: 150 });

    const started = performance.now();
    const result = await search();

    expect(result.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('draws the latency from a range', async () => {
    sim.configure({ latencyMs: { min: 60, max: 90 } });

    const started = performance.now();
    await login();

    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
  });

  it('refuses a range whose min exceeds its max', () => {
    expect(() => sim.configure({ latencyMs: { min: 10, max: 5 } })).toThrow(/latencyMs/);
  });

  it('uses the same token check after the delay', async () => {
    sim.configure({ latencyMs: 20 });

    expect((await getWithToken(sim, '/api/tickets/search', 'bad.to.ken')).status).toBe(401);
  });
});
