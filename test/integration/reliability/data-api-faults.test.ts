import { TokenServiceError } from '@bluestakes/token-manager';
import { createCountingMetricsSink } from '@bluestakes/token-manager/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  checkCompanyRow,
  faultOnStatement,
  loseResponseOfStatement,
  outcomeOf,
  typedError,
  upstreamLogins,
  within,
} from '../../support/reliability-checks';
import { startTokenServiceHarness, type TokenServiceHarness } from '../../support/token-service-harness';

/**
 * Data API faults aimed at one statement of the refresh protocol (the lease, the rate-limit take, the
 * fenced write-back), by queueing an emulator fault right before that statement is sent. After each:
 * the stored token decrypts under its version, every version has exactly one audit event, no lease
 * outlives its expiry, logins stay within the protocol's bound, and callers get typed errors.
 */
describe('Data API faults in the middle of a refresh', () => {
  let harness: TokenServiceHarness;
  const LEASE_SECONDS = 2;

  beforeAll(async () => {
    harness = await startTokenServiceHarness({
      companies: 8,
      env: {
        TOKEN_LEASE_SECONDS: String(LEASE_SECONDS),
        RATE_LIMIT_MAX_WAIT_MS: '500',
        BLUESTAKES_LOGIN_TIMEOUT_MS: '1000',
      },
    });
  });

  afterEach(() => {
    harness.dataApi.emulator.clearFaults();
  });

  afterAll(async () => {
    await harness?.close();
  });

  const company = (index: number) => harness.companies[index]!;

  it('retries statement timeouts on the fenced write-back and keeps the one login’s token', async () => {
    const { id, username } = company(0);
    const client = harness.createRdsDataClient();
    const tap = faultOnStatement(harness, client, 'write-back', { kind: 'statementTimeout', count: 2 });
    const manager = harness.createManager({ rdsDataClient: client });

    const token = await within(manager.getOrRefreshToken(id), 'getOrRefreshToken');

    expect(tap.sent.filter((kind) => kind === 'write-back')).toHaveLength(3);
    expect(upstreamLogins(harness, username)).toBe(1);
    const row = await checkCompanyRow(harness, id);
    expect(row).toMatchObject({ token, version: 1, tokenWrites: 1, loginEvents: 1, leaseRemainingMs: 0 });
  });

  it('rides out the database resuming on the lease statement with one login', async () => {
    const { id, username } = company(1);
    const client = harness.createRdsDataClient();
    const tap = faultOnStatement(harness, client, 'lease', { kind: 'resuming', count: 2 });
    const manager = harness.createManager({ rdsDataClient: client });

    const token = await within(manager.getOrRefreshToken(id), 'getOrRefreshToken');

    expect(tap.sent.filter((kind) => kind === 'lease')).toHaveLength(3);
    expect(upstreamLogins(harness, username)).toBe(1);
    expect(await checkCompanyRow(harness, id)).toMatchObject({ token, version: 1, tokenWrites: 1 });
  });

  it('never re-sends a timed-out rate-limit take: the call goes ahead on the per-container budget, with one login', async () => {
    const { id, username } = company(2);
    const client = harness.createRdsDataClient();
    const tap = faultOnStatement(harness, client, 'rate-limit-take', { kind: 'statementTimeout', count: 1 });
    const metrics = createCountingMetricsSink();
    const manager = harness.createManager({ rdsDataClient: client, metrics });

    const token = await within(manager.getOrRefreshToken(id), 'getOrRefreshToken');

    // A take that may have applied is not sent again (it would spend two slots for one call); whether
    // it did or not, the per-container budget decided instead of failing the call.
    expect(tap.sent.filter((kind) => kind === 'rate-limit-take')).toHaveLength(1);
    expect(metrics.counts.get('RateLimitDegraded')).toBe(1);
    expect(upstreamLogins(harness, username)).toBe(1);
    expect(await checkCompanyRow(harness, id)).toMatchObject({
      token,
      version: 1,
      tokenWrites: 1,
      leaseRemainingMs: 0,
    });
  });

  it('keeps one token and one audit event when the write-back’s answer is lost after it committed', async () => {
    const { id, username } = company(3);
    const client = harness.createRdsDataClient();
    const tap = loseResponseOfStatement(client, 'write-back');
    const manager = harness.createManager({ rdsDataClient: client });

    const token = await within(manager.getOrRefreshToken(id), 'getOrRefreshToken');

    // The retry matched nothing (the version had moved): the fence kept it from writing twice.
    expect(tap.sent.filter((kind) => kind === 'write-back')).toHaveLength(2);
    expect(await checkCompanyRow(harness, id)).toMatchObject({
      token,
      version: 1,
      tokenWrites: 1,
      loginEvents: 1,
      leaseRemainingMs: 0,
    });
    // Another container reads the committed token: no second login.
    expect(await within(harness.createManager().getOrRefreshToken(id), 'second container')).toBe(token);
    expect(upstreamLogins(harness, username)).toBe(1);
  });

  it('answers DATABASE_UNAVAILABLE with a retry hint when the database is down through the write-back; the lease lapses and the next caller logs in once', async () => {
    const { id, username } = company(4);
    const client = harness.createRdsDataClient();
    faultOnStatement(harness, client, 'write-back', { kind: 'unavailable', count: 50 });
    const manager = harness.createManager({
      rdsDataClient: client,
      env: { DATA_API_RESUME_BUDGET_MS: '1500' },
    });

    const error = typedError(await outcomeOf(manager.getOrRefreshToken(id), 'getOrRefreshToken'));
    harness.dataApi.emulator.clearFaults();

    expect(error.code).toBe('DATABASE_UNAVAILABLE');
    expect(error.retryAfterMs).toBeGreaterThan(0);
    const during = await checkCompanyRow(harness, id);
    expect(during).toMatchObject({ token: undefined, version: 0, tokenWrites: 0 });
    expect(during.leaseRemainingMs).toBeLessThanOrEqual(LEASE_SECONDS * 1000);

    const token = await within(harness.createManager().getOrRefreshToken(id), 'next caller');
    // One login was spent on the write that never landed, one by the next caller: the bound is two.
    expect(upstreamLogins(harness, username)).toBe(2);
    expect(await checkCompanyRow(harness, id)).toMatchObject({
      token,
      version: 1,
      tokenWrites: 1,
      leaseRemainingMs: 0,
    });
  });

  it('serves the still-valid token while the database fails the write-back of a due refresh', async () => {
    const { id, username } = company(5);
    const first = await within(harness.createManager().getOrRefreshToken(id), 'first token');
    await harness.sql(
      'UPDATE companies SET bluestakes_token_refresh_at = now() WHERE id = CAST(:id AS bigint)',
      {
        id,
      },
    );
    const client = harness.createRdsDataClient();
    faultOnStatement(harness, client, 'write-back', { kind: 'unavailable', count: 50 });
    const manager = harness.createManager({
      rdsDataClient: client,
      env: { DATA_API_RESUME_BUDGET_MS: '1500' },
    });

    const served = await within(manager.getOrRefreshToken(id), 'getOrRefreshToken');
    harness.dataApi.emulator.clearFaults();

    expect(served).toBe(first);
    expect(upstreamLogins(harness, username)).toBe(2);
    expect(await checkCompanyRow(harness, id)).toMatchObject({ token: first, version: 1, tokenWrites: 1 });
  });

  it('costs a wait, not a second login, when the lease statement’s answer is lost', async () => {
    const { id, username } = company(6);
    const client = harness.createRdsDataClient();
    loseResponseOfStatement(client, 'lease');
    const manager = harness.createManager({ rdsDataClient: client, env: { TOKEN_WAIT_TIMEOUT_MS: '1000' } });

    const error = typedError(await outcomeOf(manager.getOrRefreshToken(id), 'getOrRefreshToken'));

    // The retried lease statement found the lease live (its own) and the caller waited for it.
    expect(error.code).toBe('TOKEN_UNAVAILABLE');
    expect(error.retryAfterMs).toBeGreaterThanOrEqual(1_000);
    expect(harness.simulator.stats().requestsByAccount[username]).toBeUndefined();
    expect((await checkCompanyRow(harness, id)).leaseRemainingMs).toBeLessThanOrEqual(LEASE_SECONDS * 1000);

    const token = await within(harness.createManager().getOrRefreshToken(id), 'after the lease lapsed');
    expect(upstreamLogins(harness, username)).toBe(1);
    expect(await checkCompanyRow(harness, id)).toMatchObject({ token, version: 1, leaseRemainingMs: 0 });
  });

  it('fails fast with DATABASE_UNAVAILABLE and a retry hint, not a hang, while the database resumes past the budget', async () => {
    const { id, username } = company(7);
    const manager = harness.createManager({ env: { DATA_API_RESUME_BUDGET_MS: '1500' } });
    harness.dataApi.emulator.injectFaults({ kind: 'resuming', count: 100 });

    const outcome = await outcomeOf(manager.getOrRefreshToken(id), 'getOrRefreshToken');
    harness.dataApi.emulator.clearFaults();

    const error = typedError(outcome);
    expect(error).toBeInstanceOf(TokenServiceError);
    expect(error.code).toBe('DATABASE_UNAVAILABLE');
    expect(error.retryAfterMs).toBeGreaterThanOrEqual(1_000);
    expect(upstreamLogins(harness, username)).toBe(0);
    const token = await within(manager.getOrRefreshToken(id), 'after the resume');
    expect(await checkCompanyRow(harness, id)).toMatchObject({ token, version: 1, tokenWrites: 1 });
  });
});
