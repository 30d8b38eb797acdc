import { setTimeout as sleep } from 'node:timers/promises';
import { PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import type { TokenManager } from '@bluestakes/token-manager';
import { credentialsSecretName } from '@bluestakes/token-manager/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SECRET_PREFIX,
  startTokenServiceHarness,
  type TokenServiceHarness,
} from '../../support/token-service-harness';

describe('token lifecycle', () => {
  let harness: TokenServiceHarness;
  const seenTokens = new Set<string>();

  beforeAll(async () => {
    harness = await startTokenServiceHarness({
      companies: 6,
      simulator: { tokenLifetimeSeconds: 3, revokeOnNewLogin: true },
      env: {
        TOKEN_TTL_SECONDS: '3',
        TOKEN_REFRESH_BEFORE_SECONDS: '1',
        TOKEN_REFRESH_JITTER_SECONDS: '0',
        TOKEN_L1_MAX_STALENESS_MS: '250',
        LOGIN_FAILURE_BACKOFF_BASE_SECONDS: '1',
        LOGIN_FAILURE_BACKOFF_MAX_SECONDS: '2',
        LOGIN_REJECTED_HOLD_SECONDS: '3600',
      },
    });
  });

  afterAll(async () => {
    const text = harness.logs.lines.join('\n');
    for (const company of harness.companies) expect(text).not.toContain(company.password);
    for (const token of seenTokens) expect(text).not.toContain(token);
    await harness.close();
  });

  const loginsOf = (username: string) => harness.simulator.stats().logins[username];

  it('logs in once per token lifetime in steady state, and no caller waits for a refresh', async () => {
    const company = harness.companies[0]!;
    const fleet: TokenManager[] = Array.from({ length: 5 }, () => harness.createManager());
    const ticket = harness.simulator.tickets(company.username)[0]!.ticket;
    const loginArrivals = () => harness.simulator.stats().loginArrivalsMs[company.username] ?? [];
    // Four token lifetimes, however long they take on this machine (a hang fails at the deadline).
    const deadline = Date.now() + 60_000;
    let calls = 0;

    await Promise.all(
      fleet.map(async (manager) => {
        while (loginArrivals().length < 4 && Date.now() < deadline) {
          const token = await manager.getOrRefreshToken(company.id);
          seenTokens.add(token);
          if (calls % 10 === 0)
            await manager.makeAuthenticatedRequest(company.id, (api) => api.getTicket(ticket));
          calls++;
          await sleep(25);
        }
      }),
    );

    // One login per token version: every login Bluestakes saw was made under its own lease and its
    // token stored as the next version. Two containers refreshing the same token would show as a
    // login the database never stored: the second write is fenced off.
    const arrivals = loginArrivals();
    expect(arrivals.length).toBeGreaterThanOrEqual(4);
    expect(loginsOf(company.username)!.ok).toBe(arrivals.length);
    const events = await harness.sql(
      "SELECT token_version FROM token_auth_events WHERE company_id = 1 AND event = 'login' ORDER BY id",
    );
    const versions = events.map((row) => Number(row.token_version));
    expect(versions).toEqual(versions.map((_, index) => versions[0]! + index));
    expect(versions).toHaveLength(arrivals.length);
    // Traffic through every lifetime, not one call per login.
    expect(calls).toBeGreaterThan(arrivals.length * 4);
  });

  it('keeps serving a still-valid token while Bluestakes logins fail, then backs off', async () => {
    const company = harness.companies[1]!;
    const manager = harness.createManager();
    const token = await manager.getOrRefreshToken(company.id);
    seenTokens.add(token);
    await sleep(2_100);
    harness.simulator.injectFaults({ kind: 'status', status: 503, target: 'login', count: 100 });

    const served = await manager.getOrRefreshToken(company.id);
    const status = await manager.getTokenStatus(company.id);

    expect(served).toBe(token);
    expect(status.hold).toMatchObject({ active: true, reason: 'upstream_failing' });
    expect(status.login_failures).toBe(1);
    expect(loginsOf(company.username)).toMatchObject({ ok: 1 });
    harness.simulator.clearFaults();
  });

  it("never holds logins past the current token's expiry, however many failures came before", async () => {
    const company = harness.companies[1]!;
    const manager = harness.createManager({
      env: { LOGIN_FAILURE_BACKOFF_BASE_SECONDS: '1', LOGIN_FAILURE_BACKOFF_MAX_SECONDS: '600' },
    });
    await harness.sql('UPDATE companies SET login_hold_until = NULL WHERE id = CAST(:id AS bigint)', {
      id: company.id,
    });
    await manager.clearToken(company.id);
    seenTokens.add(await manager.getOrRefreshToken(company.id));
    // Ten failures in a row before: the next back-off would be 1 s * 2^10, far beyond the token's life.
    await harness.sql(
      `UPDATE companies SET login_failure_count = 10, bluestakes_token_refresh_at = now(),
              bluestakes_token_expires_at = now() + interval '20 seconds' WHERE id = CAST(:id AS bigint)`,
      { id: company.id },
    );
    harness.simulator.injectFaults({ kind: 'status', status: 503, target: 'login', count: 10 });

    // Another container finds the refresh due; its login fails and the still-valid token is served.
    const other = harness.createManager({
      env: { LOGIN_FAILURE_BACKOFF_BASE_SECONDS: '1', LOGIN_FAILURE_BACKOFF_MAX_SECONDS: '600' },
    });
    await other.getOrRefreshToken(company.id);
    const status = await manager.getTokenStatus(company.id);

    expect(status.hold).toMatchObject({ active: true, reason: 'upstream_failing' });
    expect(status.hold.expires_in!).toBeLessThanOrEqual(status.expires_in! + 1);
    expect(status.hold.expires_in!).toBeGreaterThan(5);
    harness.simulator.clearFaults();
  });

  it('holds logins after Bluestakes rejects the password: a bounded number of attempts, not one per call', async () => {
    const company = harness.companies[2]!;
    const secrets = harness.createSecretsManagerClient();
    await secrets.send(
      new PutSecretValueCommand({
        SecretId: credentialsSecretName(SECRET_PREFIX, company.id),
        SecretString: JSON.stringify({ username: company.username, password: 'wrong-password' }),
      }),
    );
    const fleet = Array.from({ length: 5 }, () => harness.createManager());

    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, (_, index) => fleet[index % 5]!.getOrRefreshToken(company.id)),
    );

    expect(outcomes.every((outcome) => outcome.status === 'rejected')).toBe(true);
    const codes = new Set(outcomes.map((outcome) => (outcome as PromiseRejectedResult).reason.code));
    expect([...codes].sort()).toEqual(['CREDENTIALS_REJECTED', 'LOGIN_HELD']);
    expect(loginsOf(company.username)).toEqual({ ok: 0, failed: 1 });

    const status = await fleet[0]!.getTokenStatus(company.id);
    expect(status.hold).toMatchObject({ active: true, reason: 'credentials_rejected' });

    // New, verified credentials lift the hold at once and cache the verification token.
    const stored = await fleet[0]!.storeCredentials(company.id, {
      username: company.username,
      password: company.password,
    });
    expect(stored).toMatchObject({ credentials_valid: true, credentials_stored: true, token_cached: true });
    const token = await fleet[1]!.getOrRefreshToken(company.id);
    seenTokens.add(token);
    expect(loginsOf(company.username)).toEqual({ ok: 1, failed: 1 });
  });

  it('refuses to store credentials Bluestakes rejects, and keeps the old ones', async () => {
    const company = harness.companies[3]!;
    const manager = harness.createManager();

    await expect(
      manager.storeCredentials(company.id, { username: company.username, password: 'not-it' }),
    ).rejects.toMatchObject({ code: 'CREDENTIALS_REJECTED' });
    seenTokens.add(await manager.getOrRefreshToken(company.id));

    await expect(
      manager.testCredentials({ username: company.username, password: 'not-it' }),
    ).resolves.toMatchObject({
      credentials_valid: false,
    });
    await expect(
      manager.testCredentials({ username: company.username, password: company.password }),
    ).resolves.toMatchObject({ credentials_valid: true });
  });

  it('stores tokens encrypted: the raw column never holds the token', async () => {
    const company = harness.companies[4]!;
    const manager = harness.createManager();
    const token = await manager.getOrRefreshToken(company.id);
    seenTokens.add(token);

    const [row] = await harness.sql('SELECT bluestakes_token FROM companies WHERE id = CAST(:id AS bigint)', {
      id: company.id,
    });

    expect(String(row!.bluestakes_token)).toMatch(/^enc:v1:k1:/);
    expect(String(row!.bluestakes_token)).not.toContain(token);
    expect(String(row!.bluestakes_token)).not.toContain(token.split('.')[1]!);
  });

  it('clears a token fleet-wide within the L1 staleness bound', async () => {
    const company = harness.companies[5]!;
    const [first, second] = [harness.createManager(), harness.createManager()];
    const before = await first.getOrRefreshToken(company.id);
    await second.getOrRefreshToken(company.id);

    expect(await first.clearToken(company.id)).toBe(true);
    expect(await first.isTokenValid(company.id)).toBe(false);
    await sleep(300);
    const after = await second.getOrRefreshToken(company.id);

    expect(after).not.toBe(before);
    expect(loginsOf(company.username)!.ok).toBe(2);
    expect(await first.clearToken('999999')).toBe(false);
  });

  it('reports stats, status without the token, and cleans up only long-expired tokens', async () => {
    const manager = harness.createManager();
    await harness.sql(
      "UPDATE companies SET bluestakes_token_expires_at = now() - interval '10 minutes' WHERE id = CAST(:id AS bigint)",
      { id: harness.companies[4]!.id },
    );

    const stats = await manager.getTokenStats();
    expect(stats.total_cached).toBe(
      stats.valid_tokens + stats.expiring_soon + stats.expired_tokens + stats.without_expiry,
    );
    expect(stats.expired_tokens).toBeGreaterThanOrEqual(1);
    expect(stats.logins_last_hour).toBeGreaterThanOrEqual(5);
    expect(stats.login_failures_last_hour).toBeGreaterThanOrEqual(2);

    const status = await manager.getTokenStatus(harness.companies[4]!.id);
    expect(status).toMatchObject({
      company_id: harness.companies[4]!.id,
      has_valid_token: false,
      has_token: true,
    });
    expect(JSON.stringify(status)).not.toMatch(/eyJ/);

    const cleaned = await manager.cleanupExpiredTokens();
    expect(cleaned.tokens_cleaned).toBe(1);
    expect((await manager.getTokenStatus(harness.companies[4]!.id)).has_token).toBe(false);
    await expect(manager.getTokenStatus('424242')).rejects.toMatchObject({ code: 'COMPANY_NOT_FOUND' });
  });

  it('rides out an auto-paused database resuming in the middle of a refresh', async () => {
    const company = harness.companies[3]!;
    const manager = harness.createManager();
    await manager.clearToken(company.id);
    harness.dataApi.emulator.injectFaults({ kind: 'resuming', count: 3 });

    const token = await manager.getOrRefreshToken(company.id);
    seenTokens.add(token);

    expect(token).toMatch(/^eyJ/);
    expect(harness.dataApi.emulator.stats.faultsInjected).toBeGreaterThanOrEqual(3);
  });

  it('stores a token given by the caller and serves it', async () => {
    const company = harness.companies[5]!;
    const manager = harness.createManager();

    expect(await manager.storeToken(company.id, 'manual-token-value', 600)).toBe(true);

    expect(await harness.createManager().getOrRefreshToken(company.id)).toBe('manual-token-value');
    expect(await manager.isTokenValid(company.id)).toBe(true);
  });
});
