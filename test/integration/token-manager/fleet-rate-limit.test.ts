import { type TokenManager, UpstreamRateLimitedError } from '@bluestakes/token-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTokenServiceHarness, type TokenServiceHarness } from '../../support/token-service-harness';

const LIMIT = 5;
const WINDOW_MS = 1_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('fleet-wide upstream rate limit', () => {
  let harness: TokenServiceHarness;
  let fleet: TokenManager[];

  beforeAll(async () => {
    harness = await startTokenServiceHarness({
      companies: 1,
      simulator: {
        rateLimit: {
          limit: LIMIT,
          windowMs: WINDOW_MS,
          scope: 'account',
          countLogins: true,
          sendRetryAfter: true,
          retryAfterFormat: 'seconds',
        },
      },
      env: {
        RATE_LIMIT_MAX_REQUESTS: String(LIMIT),
        RATE_LIMIT_WINDOW_MS: String(WINDOW_MS),
        RATE_LIMIT_SAFETY_MARGIN_MS: '150',
        RATE_LIMIT_MAX_WAIT_MS: '20000',
        TOKEN_LEASE_SECONDS: '30',
      },
    });
    fleet = Array.from({ length: 20 }, () => harness.createManager());
  });

  afterAll(async () => {
    await harness.close();
  });

  it('never lets the upstream see more than the limit in any window under 3x offered load from 20 containers', async () => {
    const company = harness.companies[0]!;
    const tickets = harness.simulator.tickets(company.username).map((ticket) => ticket.ticket);
    const offeredPerSecond = LIMIT * 3;
    const seconds = 2;

    const calls: Promise<unknown>[] = [];
    for (let index = 0; index < offeredPerSecond * seconds; index++) {
      const manager = fleet[index % fleet.length]!;
      const ticket = tickets[index % tickets.length]!;
      calls.push(manager.makeAuthenticatedRequest(company.id, (api) => api.getTicket(ticket)));
      await sleep(1_000 / offeredPerSecond);
    }
    const results = await Promise.allSettled(calls);

    const stats = harness.simulator.stats();
    expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
    expect(stats.rateLimited).toBe(0);
    expect(stats.maxAcceptedInWindow.byKey[company.username]).toBeLessThanOrEqual(LIMIT);
    // Every offered call plus exactly one login went upstream.
    expect(stats.requestsByAccount[company.username]).toBe(offeredPerSecond * seconds + 1);
  }, 60_000);

  it('pauses every container after an upstream 429 until its Retry-After has passed', async () => {
    const company = harness.companies[0]!;
    const ticket = harness.simulator.tickets(company.username)[0]!.ticket;
    await sleep(WINDOW_MS + 200);
    // The upstream suddenly allows less than we think: our next calls meet a 429 with Retry-After.
    harness.simulator.configure({
      rateLimit: { limit: 1, windowMs: 2_000, sendRetryAfter: true, retryAfterFormat: 'seconds' },
    });
    const first = await Promise.allSettled([
      fleet[0]!.makeAuthenticatedRequest(company.id, (api) => api.getTicket(ticket)),
      fleet[1]!.makeAuthenticatedRequest(company.id, (api) => api.getTicket(ticket)),
    ]);
    const limited = first.find((result) => result.status === 'rejected');
    expect(limited?.status).toBe('rejected');
    const error = (limited as PromiseRejectedResult).reason;
    expect(error).toBeInstanceOf(UpstreamRateLimitedError);
    const blockedUntil = Date.now() + (error as UpstreamRateLimitedError).retryAfterMs! - 100;
    const limitedSoFar = harness.simulator.stats().rateLimited;

    harness.simulator.configure({
      rateLimit: { limit: LIMIT, windowMs: WINDOW_MS, sendRetryAfter: true, retryAfterFormat: 'seconds' },
    });
    const upstreamTimes = await Promise.all(
      fleet.slice(0, 5).map(async (manager) => {
        await manager.makeAuthenticatedRequest(company.id, (api) => api.getTicket(ticket));
        return Date.now();
      }),
    );

    expect(harness.simulator.stats().rateLimited).toBe(limitedSoFar);
    for (const finishedAt of upstreamTimes) expect(finishedAt).toBeGreaterThanOrEqual(blockedUntil);
  }, 60_000);
});
