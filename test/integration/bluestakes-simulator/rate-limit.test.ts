import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type BluestakesSimulator, startBluestakesSimulator } from '../../../local/bluestakes-simulator';
import { maxInSlidingWindow } from '../../../local/bluestakes-simulator/rate-limiter';
import { getWithToken, type HttpResult, loginJson, tokenFor } from './http-client';

let sim: BluestakesSimulator;
let alpha: string;
let bravo: string;

beforeAll(async () => {
  sim = await startBluestakesSimulator({
    accounts: [
      { username: 'alpha', password: 'alpha-pass', tickets: 2 },
      { username: 'bravo', password: 'bravo-pass', tickets: 2 },
    ],
  });
  alpha = await tokenFor(sim, 'alpha', 'alpha-pass');
  bravo = await tokenFor(sim, 'bravo', 'bravo-pass');
});

beforeEach(() => {
  sim.configure({ rateLimit: null });
  sim.resetStats();
});

afterAll(async () => {
  await sim.close();
});

const search = (token: string) => getWithToken(sim, '/api/tickets/search?limit=1', token);
const statuses = (results: readonly HttpResult[]) => results.map((result) => result.status);
const count = (results: readonly HttpResult[], status: number) =>
  results.filter((result) => result.status === status).length;

describe('the sliding-window count it reports', () => {
  it('is the most timestamps inside any half-open window', () => {
    expect(maxInSlidingWindow([], 100)).toBe(0);
    expect(maxInSlidingWindow([0, 99, 100, 199, 200], 100)).toBe(2);
    expect(maxInSlidingWindow([0, 10, 20, 30, 500, 510], 100)).toBe(4);
    expect(maxInSlidingWindow([0, 50, 90, 140, 180], 100)).toBe(3);
  });
});

describe('a burst of concurrent requests', () => {
  it('admits exactly `limit` and answers the rest 429 with Retry-After in seconds', async () => {
    sim.configure({ rateLimit: { limit: 5, windowMs: 10_000, countLogins: false } });

    const results = await Promise.all(Array.from({ length: 40 }, () => search(alpha)));

    expect(count(results, 200)).toBe(5);
    expect(count(results, 429)).toBe(35);
    for (const result of results.filter((r) => r.status === 429)) {
      const retryAfter = Number(result.headers.get('retry-after'));
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(10);
      expect(result.body).toEqual({ message: expect.any(String) });
    }
    const stats = sim.stats();
    expect(stats.rateLimited).toBe(35);
    expect(stats.maxAcceptedInWindow).toEqual({ windowMs: 10_000, overall: 5, byKey: { alpha: 5 } });
  });

  it('never admits more than `limit` in any window while waves keep coming', async () => {
    sim.configure({ rateLimit: { limit: 4, windowMs: 250, countLogins: false } });

    const results: HttpResult[] = [];
    const accepted: { sent: number; received: number }[] = [];
    const timed = async () => {
      const sent = performance.now();
      const result = await search(alpha);
      if (result.status === 200) accepted.push({ sent, received: performance.now() });
      return result;
    };
    const deadline = Date.now() + 1200;
    while (Date.now() < deadline) {
      results.push(...(await Promise.all([timed(), timed(), timed()])));
      await sleep(15);
    }

    // Seen from the client: requests sent and answered inside one window span were admitted in it.
    for (const first of accepted) {
      const inside = accepted.filter((r) => r.sent >= first.sent && r.received < first.sent + 250);
      expect(inside.length).toBeLessThanOrEqual(4);
    }
    const stats = sim.stats();
    expect(stats.maxAcceptedInWindow.byKey.alpha).toBe(4);
    expect(stats.maxAcceptedInWindow.overall).toBe(4);
    expect(count(results, 429)).toBeGreaterThan(0);
    // The window slides: more than one window's worth got through over the whole run.
    expect(count(results, 200)).toBeGreaterThan(4);
    expect(count(results, 200) + count(results, 429)).toBe(results.length);
  });

  it('admits again once the oldest request has left the window', async () => {
    sim.configure({ rateLimit: { limit: 2, windowMs: 600, countLogins: false } });

    const first = statuses(await Promise.all([search(alpha), search(alpha), search(alpha)]));
    await sleep(650);
    const later = await search(alpha);

    expect(first.sort()).toEqual([200, 200, 429]);
    expect(later.status).toBe(200);
  });
});

describe('Retry-After', () => {
  it('sends an HTTP date when configured', async () => {
    sim.configure({ rateLimit: { limit: 1, windowMs: 5000, retryAfterFormat: 'http-date' } });

    await search(alpha);
    const before = Date.now();
    const limited = await search(alpha);

    expect(limited.status).toBe(429);
    const header = limited.headers.get('retry-after') ?? '';
    expect(header).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    expect(Date.parse(header)).toBeGreaterThan(before);
    expect(Date.parse(header)).toBeLessThanOrEqual(before + 6000);
  });

  it('is left out when sendRetryAfter is false', async () => {
    sim.configure({ rateLimit: { limit: 1, windowMs: 5000, sendRetryAfter: false } });

    await search(alpha);
    const limited = await search(alpha);

    expect(limited.status).toBe(429);
    expect(limited.headers.has('retry-after')).toBe(false);
  });
});

describe('scope', () => {
  it('keeps one log per account by default', async () => {
    sim.configure({ rateLimit: { limit: 2, windowMs: 10_000, countLogins: false } });

    const alphaResults = statuses(await Promise.all([search(alpha), search(alpha), search(alpha)]));
    const bravoResults = statuses(await Promise.all([search(bravo), search(bravo)]));

    expect(alphaResults.sort()).toEqual([200, 200, 429]);
    expect(bravoResults).toEqual([200, 200]);
    expect(sim.stats().maxAcceptedInWindow.byKey).toEqual({ alpha: 2, bravo: 2 });
    expect(sim.stats().maxAcceptedInWindow.overall).toBe(4);
  });

  it('shares one log between accounts when global', async () => {
    sim.configure({ rateLimit: { limit: 2, windowMs: 10_000, scope: 'global', countLogins: false } });

    await Promise.all([search(alpha), search(alpha)]);
    const bravoResult = await search(bravo);

    expect(bravoResult.status).toBe(429);
    expect(sim.stats().maxAcceptedInWindow.byKey).toEqual({ global: 2 });
  });
});

describe('logins and the limit', () => {
  const login = () => loginJson(sim, { username: 'alpha', password: 'alpha-pass' });

  it('counts logins by default: they take slots and can be refused', async () => {
    sim.configure({ rateLimit: { limit: 2, windowMs: 10_000 } });

    const results = await Promise.all([login(), login(), login()]);
    const afterLogins = await search(alpha);

    expect(statuses(results).sort()).toEqual([200, 200, 429]);
    expect(afterLogins.status).toBe(429);
    expect(sim.stats().logins.alpha).toEqual({ ok: 2, failed: 0 });
    expect(sim.stats().maxAcceptedInWindow.byKey.alpha).toBe(2);
  });

  it('counts failed logins too', async () => {
    sim.configure({ rateLimit: { limit: 1, windowMs: 10_000 } });

    const wrong = await loginJson(sim, { username: 'alpha', password: 'wrong' });
    const right = await login();

    expect(wrong.status).toBe(401);
    expect(right.status).toBe(429);
  });

  it('lets logins through untouched when countLogins is false', async () => {
    sim.configure({ rateLimit: { limit: 1, windowMs: 10_000, countLogins: false } });

    const results = await Promise.all([login(), login(), login(), login()]);
    const first = await search(alpha);
    const second = await search(alpha);

    expect(statuses(results)).toEqual([200, 200, 200, 200]);
    expect([first.status, second.status]).toEqual([200, 429]);
    expect(sim.stats().maxAcceptedInWindow.byKey).toEqual({ alpha: 1 });
  });

  it('does not count malformed logins or unauthenticated calls', async () => {
    sim.configure({ rateLimit: { limit: 1, windowMs: 10_000 } });

    await loginJson(sim, '{broken');
    await getWithToken(sim, '/api/tickets/search', 'not.a.token');

    expect((await search(alpha)).status).toBe(200);
  });
});

describe('reporting without a limit', () => {
  it('still reports the most accepted requests per window, over statsWindowMs', async () => {
    sim.configure({ statsWindowMs: 60_000 });

    await Promise.all(Array.from({ length: 6 }, () => search(alpha)));
    await search(bravo);

    expect(sim.stats().maxAcceptedInWindow).toEqual({
      windowMs: 60_000,
      overall: 7,
      byKey: { alpha: 6, bravo: 1 },
    });
  });
});
