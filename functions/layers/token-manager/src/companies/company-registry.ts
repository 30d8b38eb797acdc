import type { CredentialsStore } from '../credentials';
import {
  numberOrNull,
  type ResultValue,
  type Row,
  type SqlExecutor,
  textOrNull as text,
  timeOrNull,
} from '../data-api';
import {
  CompanyEnabledError,
  CompanyNameTakenError,
  CompanyNotFoundError,
  InvalidInputError,
} from '../errors';
import type { LoginHoldReason, TokenStore } from '../store';
import { parseCompanyId } from '../token-manager/company-id';
import { parseCompanyName, parseCompanyPageQuery, parseTokenTtlSeconds } from './company-input';
import type {
  Company,
  CompanyChanges,
  CompanyDeletion,
  CompanyPage,
  CredentialsDeletion,
  NewCompany,
} from './company-types';

const ID = 'CAST(:companyId AS bigint)';

const SELECT_COMPANY = `
SELECT c.id, c.name, c.enabled, c.token_ttl_seconds AS ttl,
       (c.credentials_version > c.credentials_absent_version) AS has_credentials,
       c.created_at, c.updated_at,
       (c.bluestakes_token IS NOT NULL) AS has_token,
       c.bluestakes_token_expires_at AS expires_at,
       (EXTRACT(EPOCH FROM (c.bluestakes_token_expires_at - now())) * 1000)::bigint AS expires_in_ms,
       c.bluestakes_token_version AS version,
       c.bluestakes_token_fingerprint AS fingerprint,
       (c.login_hold_until IS NOT NULL AND c.login_hold_until > now()) AS held,
       c.login_hold_reason AS hold_reason,
       c.token_last_used_at AS last_used_at
FROM companies c`;

const GET_SQL = `${SELECT_COMPANY} WHERE c.id = ${ID}`;

const LIST_SQL = `${SELECT_COMPANY} WHERE c.id > CAST(:after AS bigint) ORDER BY c.id LIMIT :fetch`;

/** A name is taken when another company has it, ignoring case and surrounding spaces. */
const NAME_TAKEN = `
taken AS (
  SELECT id FROM companies
  WHERE lower(btrim(name)) = lower(:name) AND id <> COALESCE(CAST(:exceptId AS bigint), 0)
  ORDER BY id LIMIT 1
)`;

/**
 * Inserted disabled, and enabled only once any stale secret under its id is gone. The credentials
 * version starts at the current time in milliseconds, above any version an earlier holder of the same
 * id (after a restore or a reset sequence) can have reached, so no container's cached credentials match.
 */
const INSERT_SQL = `
WITH ${NAME_TAKEN},
inserted AS (
  INSERT INTO companies (name, token_ttl_seconds, enabled, credentials_version, credentials_absent_version, updated_at)
  SELECT :name, CAST(:ttl AS integer), false, v.start, v.start, now()
  FROM (SELECT (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::bigint AS start) AS v
  WHERE NOT EXISTS (SELECT 1 FROM taken)
  RETURNING id
)
SELECT (SELECT id FROM inserted) AS id, (SELECT id FROM taken) AS taken_id`;

const ENABLE_NEW_SQL = `UPDATE companies SET enabled = true WHERE id = ${ID}`;

const UPDATE_SQL = `
WITH ${NAME_TAKEN},
updated AS (
  UPDATE companies
  SET name = CASE WHEN :setName THEN :name ELSE name END,
      token_ttl_seconds = CASE WHEN :setTtl THEN CAST(:ttl AS integer) ELSE token_ttl_seconds END,
      enabled = CASE WHEN :setEnabled THEN :enabled ELSE enabled END,
      updated_at = now()
  WHERE id = ${ID} AND NOT (:setName AND EXISTS (SELECT 1 FROM taken))
  RETURNING id, enabled, bluestakes_token_version AS version
),
audit AS (
  INSERT INTO token_auth_events (company_id, event, token_version, detail)
  SELECT id, CASE WHEN enabled THEN 'company_enabled' ELSE 'company_disabled' END, version,
         'changed in the company registry'
  FROM updated WHERE :setEnabled
)
SELECT (SELECT id FROM updated) AS id, (SELECT id FROM taken) AS taken_id`;

/**
 * The company has no credentials from now on: the version moves on (so every container's cached
 * credentials are stale) and the absent marker follows it; any hold tied to the old credentials is lifted.
 */
const CREDENTIALS_DELETED_SQL = `
WITH updated AS (
  UPDATE companies
  SET credentials_version = credentials_version + 1,
      credentials_absent_version = credentials_version + 1,
      bluestakes_account_key = NULL,
      login_failure_count = 0,
      login_hold_until = NULL,
      login_hold_reason = NULL,
      updated_at = now()
  WHERE id = ${ID}
  RETURNING id, bluestakes_token_version AS version
), audit AS (
  INSERT INTO token_auth_events (company_id, event, token_version, detail)
  SELECT id, 'credentials_deleted', version, 'credentials secret deleted' FROM updated
)
SELECT count(*) AS updated FROM updated`;

const DELETE_SQL = `
WITH deleted AS (
  DELETE FROM companies WHERE id = ${ID} AND NOT enabled
  RETURNING id, bluestakes_token_version AS version
), audit AS (
  INSERT INTO token_auth_events (company_id, event, token_version, detail)
  SELECT id, 'company_deleted', version, 'deleted from the company registry' FROM deleted
)
SELECT count(*) AS deleted FROM deleted`;

const DISCARD_NEW_SQL = `DELETE FROM companies WHERE id = ${ID} AND NOT enabled`;

const HOLD_REASONS: readonly LoginHoldReason[] = [
  'credentials_rejected',
  'credentials_missing',
  'upstream_failing',
];

function isoTime(value: ResultValue | undefined): string | null {
  return timeOrNull(value)?.toISOString() ?? null;
}

function toCompany(row: Row): Company {
  const hasToken = row.has_token === true;
  const expiresInMs = numberOrNull(row.expires_in_ms);
  const held = row.held === true;
  const state = !hasToken ? 'none' : expiresInMs !== null && expiresInMs > 0 ? 'valid' : 'expired';
  return {
    id: String(row.id),
    name: text(row.name) ?? '',
    enabled: row.enabled === true,
    token_ttl_seconds: numberOrNull(row.ttl),
    has_credentials: row.has_credentials === true,
    created_at: isoTime(row.created_at),
    updated_at: isoTime(row.updated_at),
    token: {
      state,
      expires_at: hasToken ? isoTime(row.expires_at) : null,
      expires_in: hasToken && expiresInMs !== null ? Math.round(expiresInMs / 1000) : null,
      version: text(row.version) ?? '0',
      fingerprint: hasToken ? text(row.fingerprint) : null,
      login_held: held,
      hold_reason: held ? (HOLD_REASONS.find((reason) => reason === row.hold_reason) ?? null) : null,
      last_used_at: isoTime(row.last_used_at),
    },
  };
}

export interface CompanyRegistryOptions {
  readonly executor: SqlExecutor;
  readonly credentialsStore: CredentialsStore;
  /** Drops tokens (disable, credentials deleted) so an in-flight refresh cannot write one back. */
  readonly tokenStore: TokenStore;
}

/** The companies behind the API: who exists, who is enabled, who has credentials, and their token state. */
export interface CompanyRegistry {
  /** A new, enabled company without credentials. @throws CompanyNameTakenError */
  createCompany(input: NewCompany): Promise<Company>;
  /** A page in id order; `limit` 1-200 (default 50), `cursor` the previous page's `next_cursor`. */
  listCompanies(query?: { limit?: unknown; cursor?: unknown }): Promise<CompanyPage>;
  /** @throws CompanyNotFoundError */
  getCompany(companyId: string | number): Promise<Company>;
  /** Disabling also clears the company's token. @throws CompanyNotFoundError, CompanyNameTakenError */
  updateCompany(companyId: string | number, changes: CompanyChanges): Promise<Company>;
  /** Removes the credentials secret and the token; logins fail with CREDENTIALS_NOT_FOUND until new ones are stored. */
  deleteCredentials(companyId: string | number): Promise<CredentialsDeletion>;
  /** Removes a disabled company, its secret and its tickets. @throws CompanyEnabledError */
  deleteCompany(companyId: string | number): Promise<CompanyDeletion>;
}

export function createCompanyRegistry(options: CompanyRegistryOptions): CompanyRegistry {
  const { executor, credentialsStore, tokenStore } = options;

  async function find(companyId: string): Promise<Company | undefined> {
    const { rows } = await executor.execute(GET_SQL, { companyId }, { idempotent: true });
    return rows[0] === undefined ? undefined : toCompany(rows[0]);
  }

  async function requireCompany(companyId: string): Promise<Company> {
    const company = await find(companyId);
    if (company === undefined) throw new CompanyNotFoundError(companyId);
    return company;
  }

  return {
    async createCompany(input) {
      const name = parseCompanyName(input.name);
      const ttl = input.tokenTtlSeconds === undefined ? null : parseTokenTtlSeconds(input.tokenTtlSeconds);
      const { rows } = await executor.execute(INSERT_SQL, { name, ttl, exceptId: null });
      const takenId = text(rows[0]?.taken_id);
      if (takenId !== null) throw new CompanyNameTakenError(takenId);
      const companyId = text(rows[0]?.id);
      if (companyId === null) throw new Error('The company insert returned no id');
      try {
        // A secret left under this id by an earlier company (restored database, reset sequence)
        // must never become this company's credentials.
        await credentialsStore.remove(companyId);
      } catch (error) {
        await executor.execute(DISCARD_NEW_SQL, { companyId }).catch(() => undefined);
        throw error;
      }
      await executor.execute(ENABLE_NEW_SQL, { companyId }, { idempotent: true });
      return requireCompany(companyId);
    },

    async listCompanies(query = {}) {
      const { limit, after } = parseCompanyPageQuery(query);
      const { rows } = await executor.execute(LIST_SQL, { after, fetch: limit + 1 }, { idempotent: true });
      const companies = rows.slice(0, limit).map(toCompany);
      const last = companies.at(-1);
      return { companies, next_cursor: rows.length > limit && last !== undefined ? last.id : null };
    },

    async getCompany(companyIdInput) {
      return requireCompany(parseCompanyId(companyIdInput));
    },

    async updateCompany(companyIdInput, changes) {
      const companyId = parseCompanyId(companyIdInput);
      const setName = changes.name !== undefined;
      const setTtl = changes.tokenTtlSeconds !== undefined;
      const setEnabled = changes.enabled !== undefined;
      if (!setName && !setTtl && !setEnabled) {
        throw new InvalidInputError('body', 'Nothing to change: send name, token_ttl_seconds or enabled');
      }
      if (setEnabled && typeof changes.enabled !== 'boolean') {
        throw new InvalidInputError('enabled', 'enabled must be true or false');
      }
      const { rows } = await executor.execute(UPDATE_SQL, {
        companyId,
        exceptId: companyId,
        setName,
        name: setName ? parseCompanyName(changes.name) : '',
        setTtl,
        ttl: setTtl ? parseTokenTtlSeconds(changes.tokenTtlSeconds) : null,
        setEnabled,
        enabled: changes.enabled ?? false,
      });
      const takenId = text(rows[0]?.taken_id);
      if (setName && takenId !== null) throw new CompanyNameTakenError(takenId);
      if (text(rows[0]?.id) === null) throw new CompanyNotFoundError(companyId);
      if (changes.enabled === false) await tokenStore.clear(companyId, 'company disabled');
      return requireCompany(companyId);
    },

    async deleteCredentials(companyIdInput) {
      const companyId = parseCompanyId(companyIdInput);
      await requireCompany(companyId);
      // Secret first: from here on a lease winner finds no credentials, whatever it had cached.
      const secretDeleted = await credentialsStore.remove(companyId);
      await executor.execute(CREDENTIALS_DELETED_SQL, { companyId });
      const tokenCleared = await tokenStore.clear(companyId, 'credentials deleted');
      return { company_id: companyId, secret_deleted: secretDeleted, token_cleared: tokenCleared };
    },

    async deleteCompany(companyIdInput) {
      const companyId = parseCompanyId(companyIdInput);
      const company = await requireCompany(companyId);
      if (company.enabled) throw new CompanyEnabledError(companyId);
      const secretDeleted = await credentialsStore.remove(companyId);
      const { rows } = await executor.execute(DELETE_SQL, { companyId });
      if (Number(rows[0]?.deleted ?? 0) === 0) {
        // Enabled or deleted by someone else between the read and the delete.
        const now = await find(companyId);
        if (now === undefined) throw new CompanyNotFoundError(companyId);
        throw new CompanyEnabledError(companyId);
      }
      return { company_id: companyId, secret_deleted: secretDeleted };
    },
  };
}
