/**
 * Load: 20 companies synced at once by 4 containers against one shared upstream budget, with the
 * simulator enforcing the limit. It runs with the slow suite, beside the other load tests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestSimulatorRows, startTicketsHarness, type TicketsHarness } from '../../support/tickets-harness';

const COMPANIES = 20;
const LIMIT = 20;
const WINDOW_MS = 1000;
const CONTAINERS = 4;

let h: TicketsHarness;

beforeAll(async () => {
  h = await startTicketsHarness({
    accounts: Array.from({ length: COMPANIES }, (_, index) => ({
      username: `fleet-${index + 1}`,
      tickets: 3,
    })),
    // Bluestakes allows 20 calls a second across every account, logins included...
    simulator: {
      rateLimit: { limit: LIMIT, windowMs: WINDOW_MS, scope: 'global', countLogins: true },
      statsWindowMs: WINDOW_MS,
    },
    // ...and our fleet-wide limiter is told exactly that, with one budget for everything. Its margin
    // covers the time between its decision (the database's clock) and the call reaching Bluestakes (the
    // simulator's): every part shares one busy process here, so it is a whole window; only a call held
    // up more than that could still meet a 429, and a fleet without the limiter meets dozens.
    env: {
      RATE_LIMIT_MAX_REQUESTS: String(LIMIT),
      RATE_LIMIT_WINDOW_MS: String(WINDOW_MS),
      RATE_LIMIT_SCOPE: 'global',
      RATE_LIMIT_SAFETY_MARGIN_MS: String(WINDOW_MS),
      RATE_LIMIT_MAX_WAIT_MS: '20000',
      TOKEN_WAIT_TIMEOUT_MS: '20000',
      BLUESTAKES_LOGIN_TIMEOUT_MS: '8000',
      BLUESTAKES_REQUEST_TIMEOUT_MS: '8000',
    },
  });
});

afterAll(async () => {
  await h?.close();
});

describe('20 companies synced in parallel', () => {
  it('never exceed the upstream rate limit, and every sync finishes with every ticket stored', async () => {
    // Four containers, each with its own in-process cache, share the work as Lambda would.
    const services = Array.from({ length: CONTAINERS }, () => h.createService());

    const results = await Promise.all(
      h.companies.map((company, index) =>
        services[index % CONTAINERS]!.syncCompanyTickets(company.id, { daysBack: 90 }),
      ),
    );

    const stats = h.base.simulator.stats();
    // A 429 here means a call spent more than the margin between the limiter's decision and the
    // simulator (seen only on a heavily loaded machine); a fleet without the limiter meets dozens.
    expect(stats.rateLimited).toBeLessThanOrEqual(2);
    expect(stats.maxAcceptedInWindow.windowMs).toBe(WINDOW_MS);
    expect(stats.maxAcceptedInWindow.overall).toBeLessThanOrEqual(LIMIT);
    // Enough traffic that the limit was really in play.
    expect(stats.totalRequests).toBeGreaterThan(5 * LIMIT);

    for (const [index, company] of h.companies.entries()) {
      const expected = latestSimulatorRows(h.simulatorTickets(company));
      expect(results[index]).toMatchObject({
        company_id: company.id,
        complete: true,
        fetched: expected.size,
      });
      expect((await h.storedTickets(company.id)).map((row) => row.ticket_number)).toEqual(
        [...expected.keys()].sort(),
      );
      expect(stats.logins[company.username]).toEqual({ ok: 1, failed: 0 });
    }
  });
});
