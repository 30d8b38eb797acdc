import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTokenServiceHarness, type TokenServiceHarness } from '../../support/token-service-harness';

const CONFIGURED = 6;
const REAL = 3;
const WINDOW_MS = 1_000;

/**
 * Bluestakes allows fewer calls than configured. Without learning, every window brings
 * (configured - real) 429s forever; with it, the first 429 lowers the shared budget of the account.
 */
describe('adaptive upstream rate limit', () => {
  let harness: TokenServiceHarness;

  beforeAll(async () => {
    harness = await startTokenServiceHarness({
      companies: 1,
      simulator: {
        rateLimit: {
          limit: REAL,
          windowMs: WINDOW_MS,
          scope: 'account',
          countLogins: true,
          sendRetryAfter: true,
          retryAfterFormat: 'seconds',
        },
      },
      env: {
        RATE_LIMIT_MAX_REQUESTS: String(CONFIGURED),
        RATE_LIMIT_WINDOW_MS: String(WINDOW_MS),
        RATE_LIMIT_SAFETY_MARGIN_MS: '150',
        RATE_LIMIT_MAX_WAIT_MS: '20000',
      },
    });
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('lowers the shared budget after a 429, so later windows meet no more 429s, and reports the learned limit', async () => {
    const { id, username } = harness.companies[0]!;
    const ticket = harness.simulator.tickets(username)[0]!.ticket;
    const manager = harness.createManager();
    await manager.getOrRefreshToken(id);

    const settled = [];
    for (let call = 0; call < 5 * REAL; call++) {
      settled.push(
        await manager
          .makeAuthenticatedRequest(id, (api) => api.getTicket(ticket))
          .then(
            () => 'ok',
            (error: { code?: string }) => error.code,
          ),
      );
    }

    // One lesson (a second only if a window boundary lined up badly), then none: not one per window.
    expect(harness.simulator.stats().rateLimited).toBeLessThanOrEqual(2);
    expect(settled.filter((outcome) => outcome === 'ok').length).toBeGreaterThanOrEqual(5 * REAL - 2);
    const stats = await manager.getTokenStats();
    expect(stats.configured_rate_limit).toBe(CONFIGURED);
    expect(stats.learned_rate_limits).toHaveLength(1);
    expect(stats.learned_rate_limits?.[0]?.limit).toBeLessThanOrEqual(REAL);
    expect(stats.learned_rate_limits?.[0]?.key).toMatch(/^account:[0-9a-f]{16}$/);
  });
});
