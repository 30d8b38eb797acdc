import { PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { tokenFingerprint } from '@bluestakes/token-manager';
import {
  type BluestakesClient,
  type BluestakesLogin,
  createBluestakesClient,
  credentialsSecretName,
} from '@bluestakes/token-manager/internal';
import { createCountingMetricsSink } from '@bluestakes/token-manager/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outcomeOf, typedError, upstreamLoginAttempts } from '../../support/reliability-checks';
import {
  captureLogs,
  SECRET_PREFIX,
  startTokenServiceHarness,
  type TokenServiceHarness,
} from '../../support/token-service-harness';

const HOUR_MS = 3_600_000;

/** A JWT-shaped token with the given claims (unsigned: only its claims are read). */
function jwt(claims: Record<string, number | string>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}.c2ln`;
}

/** The real client against the simulator, with `login` replaced. */
function withLogin(harness: TokenServiceHarness, login: BluestakesClient['login']): BluestakesClient {
  return { ...createBluestakesClient({ baseUrl: harness.simulator.url }), login };
}

/**
 * How the login path copes with what an adversarial run found: an upstream clock far behind ours,
 * unexpected errors in the login path, passwords no transport can encode, an upstream limit lower
 * than configured; plus the per-company TTL, the stats split and the cache-decision debug lines.
 */
describe('login robustness', () => {
  let harness: TokenServiceHarness;

  beforeAll(async () => {
    harness = await startTokenServiceHarness({ companies: 8 });
  });

  afterAll(async () => {
    await harness?.close();
  });

  const company = (index: number) => harness.companies[index]!;

  it('judges a JWT exp on the upstream clock: an upstream three hours behind still gives a full lifetime, logged and counted', async () => {
    const { id } = company(0);
    const issuedAt = Math.floor((Date.now() - 3 * HOUR_MS) / 1000);
    let logins = 0;
    const metrics = createCountingMetricsSink();
    const manager = harness.createManager({
      metrics,
      bluestakesClient: withLogin(harness, async () => {
        logins += 1;
        const token = jwt({ sub: 'skewed', iat: issuedAt, exp: issuedAt + 3600 });
        const login: BluestakesLogin = {
          token,
          fingerprint: tokenFingerprint(token),
          issuedAt: new Date(issuedAt * 1000),
          expiresAt: new Date((issuedAt + 3600) * 1000),
          serverDate: new Date(issuedAt * 1000),
        };
        return login;
      }),
    });

    await manager.getOrRefreshToken(id);
    const status = await manager.getTokenStatus(id);

    expect(status.expires_in).toBeGreaterThan(3_500);
    expect(logins).toBe(1);
    expect(metrics.counts.get('UpstreamClockSkew')).toBe(1);
    const skewLine = harness.logs.lines
      .map((line) => JSON.parse(line))
      .find((line) => line.skewMs !== undefined);
    expect(skewLine).toMatchObject({ level: 'WARN', companyId: id, source: 'date_header' });
    expect(skewLine.skewMs).toBeGreaterThan(3 * HOUR_MS - 60_000);
  });

  it('never lets a JWT exp judged on our clock alone shrink the lifetime below the floor', async () => {
    const { id } = company(1);
    const expiredHoursAgo = Math.floor((Date.now() - 2 * HOUR_MS) / 1000);
    const manager = harness.createManager({
      bluestakesClient: withLogin(harness, async () => {
        const token = jwt({ sub: 'no-iat', exp: expiredHoursAgo });
        return { token, fingerprint: tokenFingerprint(token), expiresAt: new Date(expiredHoursAgo * 1000) };
      }),
    });

    await manager.getOrRefreshToken(id);

    expect((await manager.getTokenStatus(id)).expires_in).toBeGreaterThanOrEqual(55);
  });

  it('holds the company after an unexpected error in the login path, so a repeating fault costs one login, not one per call', async () => {
    const { id } = company(2);
    let attempts = 0;
    const broken = withLogin(harness, async () => {
      attempts += 1;
      throw new TypeError('a reply nobody foresaw');
    });

    for (let call = 0; call < 5; call++) {
      const outcome = await outcomeOf(
        harness.createManager({ bluestakesClient: broken }).getOrRefreshToken(id),
        `call ${call}`,
      );
      expect(outcome.ok).toBe(false);
    }

    expect(attempts).toBe(1);
    const status = await harness.createManager().getTokenStatus(id);
    expect(status.hold).toMatchObject({ active: true, reason: 'upstream_failing' });
  });

  it('answers a stored password with a lone UTF-16 surrogate with CREDENTIALS_REJECTED and a hold, not a crash per call', async () => {
    const { id, username } = company(3);
    await harness.createSecretsManagerClient().send(
      new PutSecretValueCommand({
        SecretId: credentialsSecretName(SECRET_PREFIX, id),
        SecretString: JSON.stringify({ username, password: 'broken\ud800password' }),
      }),
    );
    const before = upstreamLoginAttempts(harness);

    const first = typedError(await outcomeOf(harness.createManager().getOrRefreshToken(id), 'first'));
    const second = typedError(await outcomeOf(harness.createManager().getOrRefreshToken(id), 'second'));

    expect(first.code).toBe('CREDENTIALS_REJECTED');
    expect(second.code).toBe('LOGIN_HELD');
    expect(upstreamLoginAttempts(harness) - before).toBe(1);
  });

  it('logs a failed login with its error text under errorMessage, not the reserved message key', async () => {
    const { id } = company(4);
    const logs = captureLogs();
    const manager = harness.createManager({
      logger: logs,
      bluestakesClient: withLogin(harness, async () => {
        throw new TypeError('the distinctive failure text');
      }),
    });

    await outcomeOf(manager.getOrRefreshToken(id), 'getOrRefreshToken');

    const failure = logs.lines
      .map((line) => JSON.parse(line))
      .find((line) => line.errorCode === 'UNEXPECTED');
    expect(failure).toMatchObject({
      message: 'Login under lease failed',
      errorMessage: 'the distinctive failure text',
    });
  });

  it('honours the company TTL override when credentials are stored, and counts the verification login apart', async () => {
    const { id, username, password } = company(5);
    await harness.sql('UPDATE companies SET token_ttl_seconds = 120 WHERE id = CAST(:id AS bigint)', { id });
    const manager = harness.createManager();
    const before = await manager.getTokenStats();

    const stored = await manager.storeCredentials(id, { username, password }, { verify: true });

    expect(stored.token_cached).toBe(true);
    expect((await manager.getTokenStatus(id)).expires_in).toBeLessThanOrEqual(120);
    const after = await manager.getTokenStats();
    expect(after.verification_logins_last_hour).toBe((before.verification_logins_last_hour ?? 0) + 1);
    expect(after.logins_last_hour).toBe(before.logins_last_hour);
  });

  it('makes a credentials change visible to every container at its next upstream call, not after the staleness bound', async () => {
    const { id, username, password } = company(7);
    const ticket = harness.simulator.tickets(username)[0]!.ticket;
    const elsewhere = harness.createManager({ env: { TOKEN_L1_MAX_STALENESS_MS: '60000' } });
    const oldToken = await elsewhere.getOrRefreshToken(id);

    await harness.createManager().storeCredentials(id, { username, password }, { verify: true });
    const newToken = await harness.createManager().getOrRefreshToken(id);
    expect(newToken).not.toBe(oldToken);

    // Same container, within its L1 staleness bound: the rate-limit take sees the token was replaced.
    const sent = await elsewhere.makeAuthenticatedRequest(id, async (api) => {
      await api.getTicket(ticket);
      return api.token;
    });
    expect(sent).toBe(newToken);
  });

  it('writes a debug line for every cache decision when debug is on, never a token or password, and none when off', async () => {
    const { id, password } = company(6);
    const logs = captureLogs();
    const debugOn = { ...logs, isDebugEnabled: () => true };
    const manager = harness.createManager({ logger: debugOn, env: { TOKEN_L1_MAX_STALENESS_MS: '0' } });

    const token = await manager.getOrRefreshToken(id);
    await manager.getOrRefreshToken(id);

    const debugLines = logs.lines.filter((line) => JSON.parse(line).level === 'DEBUG');
    const messages = debugLines.map((line) => JSON.parse(line).message);
    expect(messages).toEqual(expect.arrayContaining(['Cache: L1 miss', 'Cache: lease won', 'Cache: L2 hit']));
    for (const line of logs.lines) {
      expect(line).not.toContain(token);
      expect(line).not.toContain(password);
    }

    const quiet = captureLogs();
    const hits = harness.createManager({ logger: quiet });
    await hits.getOrRefreshToken(id);
    await hits.getOrRefreshToken(id);
    expect(quiet.lines.filter((line) => JSON.parse(line).level === 'DEBUG')).toEqual([]);
  });
});
