import { setTimeout as sleep } from 'node:timers/promises';
import { UpstreamUnavailableError } from '@bluestakes/token-manager';
import { createBluestakesClient } from '@bluestakes/token-manager/internal';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHeldClock } from '../../support/held-clock';
import {
  checkCompanyRow,
  outcomeOf,
  typedError,
  upstreamLoginAttempts,
  upstreamLogins,
  waitUntil,
  within,
} from '../../support/reliability-checks';
import { startTokenServiceHarness, type TokenServiceHarness } from '../../support/token-service-harness';

/**
 * Bluestakes misbehaving: 5xx, hangs and dropped connections on logins and ticket calls, and a 429
 * storm. Whatever the number of callers, logins stay within the protocol's bound (one per failure
 * and hold period), and every caller gets a typed error in bounded time.
 */
describe('upstream faults', () => {
  let harness: TokenServiceHarness;
  const simulatorClock = createHeldClock();

  beforeAll(async () => {
    harness = await startTokenServiceHarness({
      companies: 6,
      simulator: { rateLimitClock: simulatorClock.now },
      env: {
        TOKEN_LEASE_SECONDS: '3',
        RATE_LIMIT_MAX_WAIT_MS: '500',
        BLUESTAKES_LOGIN_TIMEOUT_MS: '2000',
        BLUESTAKES_REQUEST_TIMEOUT_MS: '3000',
        // Holds long enough that 30 callers on a loaded machine all meet the first one.
        LOGIN_FAILURE_BACKOFF_BASE_SECONDS: '5',
        LOGIN_FAILURE_BACKOFF_MAX_SECONDS: '5',
      },
    });
  });

  afterEach(() => {
    simulatorClock.release();
    harness.simulator.clearFaults();
    harness.simulator.configure({ rateLimit: null, latencyMs: 0 });
  });

  afterAll(async () => {
    await harness?.close();
  });

  const company = (index: number) => harness.companies[index]!;

  it('makes one login attempt for 30 callers in 5 containers when login answers 503, holds with a retry hint, then logs in once', async () => {
    const { id, username } = company(0);
    const fleet = Array.from({ length: 5 }, () => harness.createManager());
    harness.simulator.injectFaults({ kind: 'status', status: 503, target: 'login', count: 1 });
    const attemptsBefore = upstreamLoginAttempts(harness);

    const outcomes = await Promise.all(
      Array.from({ length: 30 }, (_, index) =>
        outcomeOf(fleet[index % fleet.length]!.getOrRefreshToken(id), `caller ${index}`),
      ),
    );

    const errors = outcomes.map(typedError);
    expect(new Set(errors.map((error) => error.code))).toEqual(
      new Set(['UPSTREAM_UNAVAILABLE', 'LOGIN_HELD']),
    );
    const held = errors.filter((error) => error.code === 'LOGIN_HELD');
    expect(held.length).toBeGreaterThan(0);
    for (const error of held) expect(error.retryAfterMs).toBeGreaterThan(0);
    expect(upstreamLoginAttempts(harness) - attemptsBefore).toBe(1);
    expect(await checkCompanyRow(harness, id)).toMatchObject({
      token: undefined,
      holdReason: 'upstream_failing',
      leaseRemainingMs: 0,
    });

    await sleep(Math.max(...held.map((error) => error.retryAfterMs ?? 0)) + 100);
    const token = await within(fleet[2]!.getOrRefreshToken(id), 'after the hold');
    expect(upstreamLogins(harness, username)).toBe(1);
    expect(await checkCompanyRow(harness, id)).toMatchObject({ token, version: 1, holdReason: null });
  });

  it('turns a hung login into UPSTREAM_UNAVAILABLE (timeout) within the login timeout, releasing the lease into a hold', async () => {
    const { id } = company(1);
    harness.simulator.injectFaults({ kind: 'hang', target: 'login', count: 1 });

    const error = typedError(
      await outcomeOf(harness.createManager().getOrRefreshToken(id), 'getOrRefreshToken'),
    );

    expect(error).toBeInstanceOf(UpstreamUnavailableError);
    expect((error as UpstreamUnavailableError).kind).toBe('timeout');
    expect(await checkCompanyRow(harness, id)).toMatchObject({
      token: undefined,
      holdReason: 'upstream_failing',
      leaseRemainingMs: 0,
    });
  });

  it('keeps serving a still-valid token when the refresh login’s connection is dropped', async () => {
    const { id, username } = company(2);
    const first = await within(harness.createManager().getOrRefreshToken(id), 'first token');
    await harness.sql(
      'UPDATE companies SET bluestakes_token_refresh_at = now() WHERE id = CAST(:id AS bigint)',
      {
        id,
      },
    );
    harness.simulator.injectFaults({ kind: 'drop', target: 'login', count: 1 });

    const served = await within(harness.createManager().getOrRefreshToken(id), 'refresh');

    expect(served).toBe(first);
    expect(harness.simulator.stats().faultsInjected.drop).toBeGreaterThanOrEqual(1);
    expect(upstreamLogins(harness, username)).toBe(1);
    expect(await checkCompanyRow(harness, id)).toMatchObject({
      token: first,
      version: 1,
      holdReason: 'upstream_failing',
      leaseRemainingMs: 0,
    });
  });

  it('does not take 5xx, hangs or drops on ticket calls for a bad token: typed errors, no invalidation, no login', async () => {
    const { id, username } = company(3);
    const manager = harness.createManager();
    const ticket = harness.simulator.tickets(username)[0]!.ticket;
    const token = await within(manager.getOrRefreshToken(id), 'first token');

    for (const fault of [{ kind: 'status', status: 502 }, { kind: 'hang' }, { kind: 'drop' }] as const) {
      harness.simulator.injectFaults({ ...fault, target: 'tickets', count: 1 });
      const error = typedError(
        await outcomeOf(
          manager.makeAuthenticatedRequest(id, (api) => api.getTicket(ticket)),
          `ticket call with ${fault.kind}`,
        ),
      );
      expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    }

    expect(upstreamLogins(harness, username)).toBe(1);
    expect(await checkCompanyRow(harness, id)).toMatchObject({ token, version: 1, holdReason: null });
    const detail = await within(
      manager.makeAuthenticatedRequest(id, (api) => api.getTicket(ticket)),
      'ticket call after the faults',
    );
    expect(detail.ticket).toBe(ticket);
  });

  it('meets a 429 storm on its very first login: the account is paused fleet-wide until Retry-After (one 429 per pause), then one login', async () => {
    const { id, username, password } = company(4);
    // No login has happened yet, so the database does not know this company's account key: the
    // block must still land on the key the login itself used.
    // Bluestakes now allows one call per 2 s, and another client of the same account has just used it.
    // Its clock stands still through the storm: every login attempt lands inside that window, however
    // slowly a busy machine gets the fleet to it.
    harness.simulator.configure({
      rateLimit: { limit: 1, windowMs: 2_000, sendRetryAfter: true, retryAfterFormat: 'seconds' },
    });
    simulatorClock.hold();
    const outside = await fetch(`${harness.simulator.url}/api/login-json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
      signal: AbortSignal.timeout(5_000),
    });
    expect(outside.status).toBe(200);
    const limitedBefore = harness.simulator.stats().rateLimited;
    const fleet = Array.from({ length: 10 }, () => harness.createManager());

    const outcomes = await Promise.all(
      Array.from({ length: 30 }, (_, index) =>
        outcomeOf(fleet[index % fleet.length]!.getOrRefreshToken(id), `caller ${index}`),
      ),
    );

    const errors = outcomes.map(typedError);
    expect(new Set(errors.map((error) => error.code))).toEqual(
      new Set(['UPSTREAM_RATE_LIMITED', 'RATE_LIMITED']),
    );
    for (const error of errors) expect(error.retryAfterMs).toBeGreaterThan(0);
    // The simulator read its clock once per login: the outside one, then the fleet's. The first of the
    // fleet met the 429; any other came only after Retry-After (2 s), when a storm outlasts the pause on a
    // slow machine, and met the still window again. A fleet that does not pause logs in at once.
    const [, ...fleetLogins] = simulatorClock.readsWhileHeld;
    expect(fleetLogins.length).toBeGreaterThanOrEqual(1);
    expect(harness.simulator.stats().rateLimited - limitedBefore).toBe(fleetLogins.length);
    for (const [index, at] of fleetLogins.entries()) {
      if (index > 0) expect(at - fleetLogins[index - 1]!).toBeGreaterThanOrEqual(2_000 - 50);
    }
    // The pause landed on the account's key and lasts Retry-After past the last 429.
    const [limit] = await harness.sql(
      "SELECT EXTRACT(EPOCH FROM blocked_until) * 1000 AS until FROM bluestakes_rate_limits WHERE key LIKE 'account:%' AND blocked_until IS NOT NULL",
    );
    expect(Number(limit?.until)).toBeGreaterThanOrEqual(fleetLogins.at(-1)! + 2_000 - 50);
    expect((await checkCompanyRow(harness, id)).leaseRemainingMs).toBe(0);

    simulatorClock.release();
    const retryAfterMs = Math.max(...errors.map((error) => error.retryAfterMs ?? 0));
    await sleep(retryAfterMs + 200);
    const token = await within(fleet[0]!.getOrRefreshToken(id), 'after Retry-After');
    expect(harness.simulator.stats().rateLimited - limitedBefore).toBe(fleetLogins.length);
    // The outside login and the one after the pause.
    expect(upstreamLogins(harness, username)).toBe(2);
    expect(await checkCompanyRow(harness, id)).toMatchObject({ token, version: 1, loginEvents: 1 });
  });
  it('never writes back nor hands out the token of a login still in flight when the credentials change meanwhile', async () => {
    const { id, username, password } = company(5);
    // The login answers upstream, then waits for the test before the manager sees it: still in flight
    // from the manager's side for exactly as long as the test needs, however slow the machine.
    const upstream = createBluestakesClient({ baseUrl: harness.simulator.url });
    let answer: () => void = () => undefined;
    const answered = new Promise<void>((resolveAnswer) => {
      answer = resolveAnswer;
    });
    const slow = harness.createManager({
      bluestakesClient: {
        ...upstream,
        login: async (...args) => {
          const login = await upstream.login(...args);
          await answered;
          return login;
        },
      },
    });

    const inFlight = outcomeOf(slow.getOrRefreshToken(id), 'the slow refresh');
    await waitUntil(
      async () => (await checkCompanyRow(harness, id)).leaseRemainingMs > 0,
      'the slow refresh to hold the lease',
    );
    // An operator replaces the credentials while that login (with the old ones) is still upstream.
    await harness.createManager().storeCredentials(id, { username, password }, { verify: false });
    answer();
    const outcome = await inFlight;

    // The fence refused the old-credential token, and the caller did not get it either: it read the
    // row again and got a token from a login with the new credentials (the only one stored).
    if (!outcome.ok) throw outcome.error;
    expect(upstreamLogins(harness, username)).toBe(2);
    expect(await checkCompanyRow(harness, id)).toMatchObject({
      token: outcome.value,
      tokenWrites: 1,
      loginEvents: 1,
      leaseRemainingMs: 0,
    });
    const fresh = await within(harness.createManager().getOrRefreshToken(id), 'after the change');
    expect(fresh).toBe(outcome.value);
    expect(upstreamLogins(harness, username)).toBe(2);
  });
});
