import type { TokenManager } from '@bluestakes/token-manager';
import { createDataApiTokenStore } from '@bluestakes/token-manager/internal';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTokenServiceHarness, type TokenServiceHarness } from '../../support/token-service-harness';

/**
 * Several TokenManager instances stand in for separate Lambda containers: each has its own
 * in-process cache, and they share only the database (through the Data API emulator) and the
 * Bluestakes simulator (over HTTP).
 */
/** Polls, a login and a loaded machine's scheduling, after the dead lease lapsed. */
const TAKEOVER_SLACK_MS = 10_000;

describe('fleet-wide single flight', () => {
  let harness: TokenServiceHarness;
  const issuedTokens = new Set<string>();

  beforeAll(async () => {
    harness = await startTokenServiceHarness({ companies: 3, simulator: { revokeOnNewLogin: true } });
  });

  afterEach(() => {
    harness.simulator.clearFaults();
  });

  afterAll(async () => {
    // Nothing secret in any log line written during the whole file.
    const text = harness.logs.lines.join('\n');
    for (const company of harness.companies) expect(text).not.toContain(company.password);
    for (const token of issuedTokens) expect(text).not.toContain(token);
    await harness.close();
  });

  const loginsOf = (username: string) => harness.simulator.stats().logins[username]?.ok ?? 0;
  const containers = (count: number): TokenManager[] =>
    Array.from({ length: count }, () => harness.createManager());

  it('gives 200 concurrent callers in 20 containers the same token after exactly one login', async () => {
    const company = harness.companies[0]!;
    const fleet = containers(20);
    const ticket = harness.simulator.tickets(company.username)[0]!.ticket;

    const tokens = await Promise.all(
      Array.from({ length: 200 }, (_, index) => fleet[index % fleet.length]!.getOrRefreshToken(company.id)),
    );
    for (const token of tokens) issuedTokens.add(token);

    expect(loginsOf(company.username)).toBe(1);
    expect(new Set(tokens).size).toBe(1);
    // With "a new login revokes older tokens" on, a duplicate login would make these fail.
    const details = await Promise.all(
      fleet.map((manager) => manager.makeAuthenticatedRequest(company.id, (api) => api.getTicket(ticket))),
    );
    expect(details.every((detail) => detail.ticket === ticket)).toBe(true);
    expect(harness.simulator.stats().responsesByStatus['401'] ?? 0).toBe(0);
  });

  it('recovers with one login when 100 in-flight calls get 401 for a revoked token', async () => {
    const company = harness.companies[1]!;
    const fleet = containers(5);
    const ticket = harness.simulator.tickets(company.username)[0]!.ticket;
    await Promise.all(fleet.map((manager) => manager.getOrRefreshToken(company.id)));
    const before = loginsOf(company.username);
    const rejectedBefore = harness.simulator.stats().responsesByStatus['401'] ?? 0;

    harness.simulator.revokeTokensFor(company.username);
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, index) =>
        fleet[index % fleet.length]!.makeAuthenticatedRequest(company.id, (api) => api.getTicket(ticket)),
      ),
    );

    expect(results).toHaveLength(100);
    expect(results.every((detail) => detail.ticket === ticket)).toBe(true);
    expect(loginsOf(company.username) - before).toBe(1);
    // At most one 401 per call; usually far fewer: once the first 401 has invalidated the version, the
    // rate-limit take of the calls still queued sees it and they switch to the new token unsent.
    const rejected = (harness.simulator.stats().responsesByStatus['401'] ?? 0) - rejectedBefore;
    expect(rejected).toBeGreaterThanOrEqual(1);
    expect(rejected).toBeLessThanOrEqual(100);
  });

  it('lets another container take over when a lease holder dies after taking the lease', async () => {
    const company = harness.companies[2]!;
    const store = createDataApiTokenStore(harness.executor);
    const lease = await store.tryAcquireLease(company.id, 'container-that-died', 3);
    expect(lease).toBeDefined();
    const survivor = harness.createManager();

    const startedAt = Date.now();
    const token = await survivor.getOrRefreshToken(company.id);
    const waitedMs = Date.now() - startedAt;
    issuedTokens.add(token);

    expect(token).toMatch(/^eyJ/);
    expect(loginsOf(company.username)).toBe(1);
    // The dead lease runs 3 s. The survivor takes over once it lapses: well before its own 60 s wait
    // deadline, however loaded the machine (a survivor that waited for the deadline, or kept backing
    // off its polls, would take far longer).
    expect(waitedMs).toBeLessThan(3_000 + TAKEOVER_SLACK_MS);
    const status = await survivor.getTokenStatus(company.id);
    expect(status.lease.held).toBe(false);
    expect(status.has_valid_token).toBe(true);
  });

  it('answers TOKEN_UNAVAILABLE with a retry hint when the wait deadline passes during a live lease', async () => {
    const company = harness.companies[2]!;
    const impatient = harness.createManager({ env: { TOKEN_WAIT_TIMEOUT_MS: '300' } });
    await impatient.clearToken(company.id);
    const store = createDataApiTokenStore(harness.executor);
    await store.tryAcquireLease(company.id, 'slow-container', 3);

    const failure = impatient.getOrRefreshToken(company.id);

    await expect(failure).rejects.toMatchObject({ code: 'TOKEN_UNAVAILABLE' });
    await expect(failure).rejects.toHaveProperty('retryAfterMs', expect.any(Number));
  });
});
