import { GetSecretValueCommand, ResourceNotFoundException } from '@aws-sdk/client-secrets-manager';
import {
  CompanyDisabledError,
  CompanyEnabledError,
  CompanyNameTakenError,
  CompanyNotFoundError,
  CredentialsNotFoundError,
  InvalidInputError,
} from '@bluestakes/token-manager';
import {
  type CompanyRegistry,
  createCompanyRegistry,
  createDataApiTokenStore,
  createSecretsManagerCredentialsStore,
  credentialsSecretName,
} from '@bluestakes/token-manager/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataApiTicketRepository } from '../../../functions/tickets';
import {
  type HarnessCompany,
  SECRET_PREFIX,
  startTokenServiceHarness,
  type TokenServiceHarness,
} from '../../support/token-service-harness';

/**
 * The company registry against the Data API emulator (PGlite, or PostgreSQL with DATABASE_URL), the
 * Secrets Manager stand-in and the Bluestakes simulator: every statement runs for real.
 */
describe('company registry', () => {
  let h: TokenServiceHarness;
  let registry: CompanyRegistry;
  /** Bluestakes accounts of the simulator; the harness's own company rows are removed below. */
  let accounts: readonly HarnessCompany[];

  beforeAll(async () => {
    h = await startTokenServiceHarness({ companies: 3 });
    accounts = h.companies;
    // Start from an empty table, as a fresh deployment does. The harness's secrets stay behind under
    // ids 1-3: exactly the stale secrets a restored database or reset sequence would leave.
    await h.sql('DELETE FROM companies');
    registry = createCompanyRegistry({
      executor: h.executor,
      credentialsStore: createSecretsManagerCredentialsStore({
        client: h.createSecretsManagerClient(),
        secretPrefix: SECRET_PREFIX,
      }),
      tokenStore: createDataApiTokenStore(h.executor),
    });
  });

  afterAll(async () => {
    const text = h.logs.lines.join('\n');
    for (const account of accounts) expect(text).not.toContain(account.password);
    await h.close();
  });

  async function secretExists(companyId: string): Promise<boolean> {
    try {
      await h
        .createSecretsManagerClient()
        .send(new GetSecretValueCommand({ SecretId: credentialsSecretName(SECRET_PREFIX, companyId) }));
      return true;
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return false;
      throw error;
    }
  }

  const loginsOf = (username: string) => h.simulator.stats().logins[username]?.ok ?? 0;

  it('creates an enabled company without credentials, never inheriting a secret left under its id', async () => {
    const [first] = accounts;
    expect(await secretExists('1')).toBe(true);

    const company = await registry.createCompany({ name: '  Acme Excavating ', tokenTtlSeconds: 1800 });

    expect(company).toMatchObject({
      id: '1',
      name: 'Acme Excavating',
      enabled: true,
      token_ttl_seconds: 1800,
      has_credentials: false,
      updated_at: expect.any(String),
      token: { state: 'none', expires_at: null, fingerprint: null, login_held: false },
    });
    expect(Date.parse(company.created_at ?? '')).toBeGreaterThan(Date.now() - 60_000);
    expect(await secretExists('1')).toBe(false);
    // A login for the new company finds no credentials; the old company's are never used.
    await expect(h.createManager().getOrRefreshToken('1')).rejects.toBeInstanceOf(CredentialsNotFoundError);
    expect(loginsOf(first!.username)).toBe(0);
  });

  it('refuses a name another company has, ignoring case and surrounding spaces, and bad input', async () => {
    await expect(registry.createCompany({ name: 'ACME EXCAVATING' })).rejects.toMatchObject({
      code: 'COMPANY_NAME_TAKEN',
      existingCompanyId: '1',
    });
    await expect(registry.createCompany({ name: '   ' })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(registry.createCompany({ name: 'X', tokenTtlSeconds: 30 })).rejects.toMatchObject({
      field: 'token_ttl_seconds',
    });
    const { companies } = await registry.listCompanies();
    expect(companies.map((company) => company.name)).toEqual(['Acme Excavating']);
  });

  it('pages through companies in id order with a cursor', async () => {
    await registry.createCompany({ name: 'Beehive Fiber' });
    await registry.createCompany({ name: 'Wasatch Plumbing' });

    const first = await registry.listCompanies({ limit: '2' });
    const second = await registry.listCompanies({ limit: '2', cursor: first.next_cursor });

    expect(first.companies.map((company) => company.id)).toEqual(['1', '2']);
    expect(first.next_cursor).toBe('2');
    expect(second.companies.map((company) => company.name)).toEqual(['Wasatch Plumbing']);
    expect(second.next_cursor).toBeNull();
    await expect(registry.listCompanies({ limit: '0' })).rejects.toMatchObject({ field: 'limit' });
  });

  it('reports the token state once credentials are stored, never the token', async () => {
    const [account] = accounts;
    const manager = h.createManager();
    await manager.storeCredentials('1', { username: account!.username, password: account!.password });
    const token = await manager.getOrRefreshToken('1');

    const company = await registry.getCompany('1');

    expect(company).toMatchObject({ has_credentials: true, token: { state: 'valid', login_held: false } });
    expect(company.token.expires_in).toBeGreaterThan(1700);
    expect(company.token.expires_in).toBeLessThanOrEqual(1800);
    expect(company.token.fingerprint).toBe((await manager.getTokenStatus('1')).token_fingerprint);
    expect(JSON.stringify(company)).not.toContain(token);
    expect(JSON.stringify(await registry.listCompanies())).not.toContain(token);
  });

  it('renames, sets and resets the lifetime, and refuses a taken name or an empty change', async () => {
    expect(
      await registry.updateCompany('2', { name: 'Beehive Fiber Co', tokenTtlSeconds: 600 }),
    ).toMatchObject({
      name: 'Beehive Fiber Co',
      token_ttl_seconds: 600,
      enabled: true,
    });
    expect(await registry.updateCompany('2', { tokenTtlSeconds: null })).toMatchObject({
      name: 'Beehive Fiber Co',
      token_ttl_seconds: null,
    });
    await expect(registry.updateCompany('2', { name: 'wasatch plumbing' })).rejects.toBeInstanceOf(
      CompanyNameTakenError,
    );
    // Its own name, differently cased, is not "taken".
    expect((await registry.updateCompany('2', { name: 'BEEHIVE FIBER CO' })).name).toBe('BEEHIVE FIBER CO');
    await expect(registry.updateCompany('2', {})).rejects.toMatchObject({ field: 'body' });
    await expect(registry.updateCompany('404', { enabled: false })).rejects.toBeInstanceOf(
      CompanyNotFoundError,
    );
  });

  it('gives a disabled company no token, no login and no sync, in every container, until enabled', async () => {
    const [account] = accounts;
    const warm = h.createManager();
    await warm.getOrRefreshToken('1');
    const loginsBefore = loginsOf(account!.username);
    const tickets = createDataApiTicketRepository(h.executor);
    expect(await tickets.listCompaniesWithCredentials()).toContain('1');

    const disabled = await registry.updateCompany('1', { enabled: false });

    expect(disabled).toMatchObject({ enabled: false, token: { state: 'none' } });
    await expect(h.createManager().getOrRefreshToken('1')).rejects.toBeInstanceOf(CompanyDisabledError);
    await expect(
      h.createManager().storeCredentials('1', { username: account!.username, password: account!.password }),
    ).rejects.toBeInstanceOf(CompanyDisabledError);
    // The lease statement itself refuses a disabled company, whatever a container believes.
    expect(await createDataApiTokenStore(h.executor).tryAcquireLease('1', 'test', 30)).toBeUndefined();
    expect(await tickets.listCompaniesWithCredentials()).not.toContain('1');
    expect(loginsOf(account!.username)).toBe(loginsBefore);

    await registry.updateCompany('1', { enabled: true });
    await expect(h.createManager().getOrRefreshToken('1')).resolves.toEqual(expect.any(String));
    expect(loginsOf(account!.username)).toBe(loginsBefore + 1);
    expect(await tickets.listCompaniesWithCredentials()).toContain('1');
  });

  it('deletes credentials: the secret and the token go, logins find none, and new ones can be stored at once', async () => {
    const [account] = accounts;
    // No in-process token reuse, so what is checked is the container's cached credentials.
    const warm = h.createManager({ env: { TOKEN_L1_MAX_STALENESS_MS: '0' } });
    await warm.getOrRefreshToken('1');

    const deletion = await registry.deleteCredentials('1');

    expect(deletion).toEqual({ company_id: '1', secret_deleted: true, token_cleared: true });
    expect(await secretExists('1')).toBe(false);
    expect(await registry.getCompany('1')).toMatchObject({
      has_credentials: false,
      token: { state: 'none' },
    });
    expect(await createDataApiTicketRepository(h.executor).listCompaniesWithCredentials()).not.toContain('1');
    // A container that still had the credentials cached must not log in with them.
    await expect(warm.getOrRefreshToken('1')).rejects.toBeInstanceOf(CredentialsNotFoundError);
    expect(await registry.deleteCredentials('1')).toMatchObject({ secret_deleted: false });

    await h
      .createManager()
      .storeCredentials('1', { username: account!.username, password: account!.password });
    expect(await secretExists('1')).toBe(true);
    expect(await registry.getCompany('1')).toMatchObject({
      has_credentials: true,
      token: { state: 'valid' },
    });
  });

  it('deletes only a disabled company, with its secret', async () => {
    await expect(registry.deleteCompany('1')).rejects.toBeInstanceOf(CompanyEnabledError);
    await registry.updateCompany('1', { enabled: false });

    expect(await registry.deleteCompany('1')).toEqual({ company_id: '1', secret_deleted: true });
    expect(await secretExists('1')).toBe(false);
    await expect(registry.getCompany('1')).rejects.toBeInstanceOf(CompanyNotFoundError);
    const events = await h.sql(
      "SELECT event FROM token_auth_events WHERE company_id = 1 AND event = 'company_deleted'",
    );
    expect(events).toHaveLength(1);
  });

  it('never lets a reused id match credentials a container cached for the company that had it before', async () => {
    const [, second, third] = accounts;
    // In-process token copies are bounded by TOKEN_L1_MAX_STALENESS_MS; off here, so what is checked is
    // the container's cached credentials.
    const manager = h.createManager({ env: { TOKEN_L1_MAX_STALENESS_MS: '0' } });
    const old = await registry.createCompany({ name: 'Old Holder' });
    await manager.storeCredentials(
      old.id,
      { username: second!.username, password: second!.password },
      {
        verify: false,
      },
    );
    await manager.getOrRefreshToken(old.id);
    // A restore to before the company existed: its row is gone and the id sequence moves back.
    await h.sql('DELETE FROM companies WHERE id = CAST(:id AS bigint)', { id: old.id });
    await h.sql("SELECT setval(pg_get_serial_sequence('companies', 'id'), CAST(:id AS bigint) - 1)", {
      id: old.id,
    });

    const reused = await registry.createCompany({ name: 'New Holder' });

    expect(reused.id).toBe(old.id);
    expect(await secretExists(reused.id)).toBe(false);
    await expect(manager.getOrRefreshToken(reused.id)).rejects.toBeInstanceOf(CredentialsNotFoundError);
    // The new company's own credentials, stored once: the container logs in with them, not the cached ones.
    await manager.storeCredentials(
      reused.id,
      { username: third!.username, password: third!.password },
      {
        verify: false,
      },
    );
    const oldLogins = loginsOf(second!.username);
    await manager.getOrRefreshToken(reused.id);
    expect(loginsOf(third!.username)).toBe(1);
    expect(loginsOf(second!.username)).toBe(oldLogins);
  });
});
