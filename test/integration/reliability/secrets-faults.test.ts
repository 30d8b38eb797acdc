import { DeleteSecretCommand } from '@aws-sdk/client-secrets-manager';
import { credentialsSecretName } from '@bluestakes/token-manager/internal';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  checkCompanyRow,
  outcomeOf,
  typedError,
  upstreamLogins,
  within,
} from '../../support/reliability-checks';
import {
  SECRET_PREFIX,
  startTokenServiceHarness,
  type TokenServiceHarness,
} from '../../support/token-service-harness';

/**
 * Secrets Manager throttling (the SDK's standard retries absorb short bursts: 3 attempts) and a
 * missing credentials secret. Only the lease winner reads credentials, so the number of reads and
 * logins stays bounded however many callers there are.
 */
describe('Secrets Manager faults', () => {
  let harness: TokenServiceHarness;

  beforeAll(async () => {
    harness = await startTokenServiceHarness({
      companies: 4,
      env: {
        TOKEN_LEASE_SECONDS: '3',
        RATE_LIMIT_MAX_WAIT_MS: '500',
        BLUESTAKES_LOGIN_TIMEOUT_MS: '1000',
        LOGIN_FAILURE_BACKOFF_MAX_SECONDS: '600',
      },
    });
  });

  afterEach(() => {
    harness.secrets.clearFaults();
  });

  afterAll(async () => {
    await harness?.close();
  });

  const company = (index: number) => harness.companies[index]!;
  const secretReads = () => harness.secrets.stats.calls.GetSecretValue ?? 0;

  it('absorbs a short throttling burst with the SDK’s retries: one login, token stored', async () => {
    const { id, username } = company(0);
    harness.secrets.injectFaults({ kind: 'throttling', count: 2 });

    const token = await within(harness.createManager().getOrRefreshToken(id), 'getOrRefreshToken');

    expect(upstreamLogins(harness, username)).toBe(1);
    expect(await checkCompanyRow(harness, id)).toMatchObject({ token, version: 1, tokenWrites: 1 });
  });

  it('answers SECRETS_UNAVAILABLE with a retry hint under sustained throttling, releasing the lease and holding nothing', async () => {
    const { id, username } = company(1);
    harness.secrets.injectFaults({ kind: 'throttling', count: 20 });

    const error = typedError(
      await outcomeOf(harness.createManager().getOrRefreshToken(id), 'getOrRefreshToken'),
    );
    harness.secrets.clearFaults();

    expect(error.code).toBe('SECRETS_UNAVAILABLE');
    expect(error.retryAfterMs).toBeGreaterThan(0);
    expect(harness.simulator.stats().requestsByAccount[username]).toBeUndefined();
    // Nothing is wrong with the company: the lease is released at once and no hold is set.
    expect(await checkCompanyRow(harness, id)).toMatchObject({
      token: undefined,
      leaseRemainingMs: 0,
      holdReason: null,
    });

    const token = await within(harness.createManager().getOrRefreshToken(id), 'after the burst');
    expect(upstreamLogins(harness, username)).toBe(1);
    expect(await checkCompanyRow(harness, id)).toMatchObject({ token, version: 1 });
  });

  it('holds logins when the credentials secret is missing: one read, no login, typed errors with retry hints, until credentials are stored', async () => {
    const { id, username, password } = company(2);
    await harness.createSecretsManagerClient().send(
      new DeleteSecretCommand({
        SecretId: credentialsSecretName(SECRET_PREFIX, id),
        ForceDeleteWithoutRecovery: true,
      }),
    );
    const readsBefore = secretReads();
    const fleet = Array.from({ length: 4 }, () => harness.createManager());

    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        outcomeOf(fleet[index % fleet.length]!.getOrRefreshToken(id), `caller ${index}`),
      ),
    );

    const errors = outcomes.map(typedError);
    expect(new Set(errors.map((error) => error.code))).toEqual(new Set(['CREDENTIALS_NOT_FOUND']));
    // The lease winner's container met the missing secret itself (its callers share that one error);
    // every other container read the hold and was told when to come back.
    const containersWithoutHint = new Set(
      errors.flatMap((error, index) => (Number(error.retryAfterMs) > 0 ? [] : [index % fleet.length])),
    );
    expect(containersWithoutHint.size).toBeLessThanOrEqual(1);
    expect(secretReads() - readsBefore).toBe(1);
    expect(harness.simulator.stats().requestsByAccount[username]).toBeUndefined();
    expect(await checkCompanyRow(harness, id)).toMatchObject({
      holdReason: 'credentials_missing',
      leaseRemainingMs: 0,
    });

    const stored = await within(fleet[0]!.storeCredentials(id, { username, password }), 'storeCredentials');
    expect(stored).toMatchObject({ credentials_stored: true, token_cached: true });
    const token = await within(fleet[1]!.getOrRefreshToken(id), 'after storing credentials');
    expect(upstreamLogins(harness, username)).toBe(1);
    expect(await checkCompanyRow(harness, id)).toMatchObject({ token, holdReason: null });
  });

  it('answers SECRETS_UNAVAILABLE when a cold container cannot read the keyring, and leaves the stored token intact', async () => {
    const { id, username } = company(3);
    const token = await within(harness.createManager().getOrRefreshToken(id), 'first token');
    harness.secrets.injectFaults({ kind: 'throttling', count: 20 });

    const error = typedError(
      await outcomeOf(harness.createManager().getOrRefreshToken(id), 'cold container'),
    );
    harness.secrets.clearFaults();

    expect(error.code).toBe('SECRETS_UNAVAILABLE');
    expect(error.retryAfterMs).toBeGreaterThan(0);
    expect(await checkCompanyRow(harness, id)).toMatchObject({ token, version: 1, leaseRemainingMs: 0 });
    expect(await within(harness.createManager().getOrRefreshToken(id), 'after')).toBe(token);
    expect(upstreamLogins(harness, username)).toBe(1);
  });
});
