/** The statements of the token protocol, one per step; every time is the database's `now()`. */
import type { Row } from '../data-api/data-api-executor';
import type { TokenWrite, WrittenToken } from './token-store';

export const ID = 'CAST(:companyId AS bigint)';
export const MS_UNTIL = (column: string) => `(EXTRACT(EPOCH FROM (${column} - now())) * 1000)::bigint`;
export const ROW_COLUMNS = `
       c.bluestakes_token AS token,
       c.bluestakes_token_version AS version,
       c.bluestakes_token_fingerprint AS fingerprint,
       c.bluestakes_account_key AS account_key,
       c.bluestakes_token_expires_at AS expires_at,
       c.bluestakes_token_refresh_at AS refresh_at,
       c.bluestakes_token_issued_at AS issued_at,
       ${MS_UNTIL('c.bluestakes_token_expires_at')} AS expires_in_ms,
       ${MS_UNTIL('c.bluestakes_token_refresh_at')} AS refresh_in_ms,
       (-${MS_UNTIL('c.bluestakes_token_issued_at')}) AS issued_ago_ms,
       c.token_lease_owner AS lease_owner,
       ${MS_UNTIL('c.token_lease_until')} AS lease_remaining_ms,
       ${MS_UNTIL('c.login_hold_until')} AS hold_remaining_ms,
       c.login_hold_reason AS hold_reason,
       c.login_failure_count AS failure_count,
       c.credentials_version AS credentials_version,
       c.token_ttl_seconds AS ttl_override,
       c.token_last_used_at AS last_used_at,
       c.enabled AS enabled,
       now() AS db_now`;

export const READ_SQL = `
WITH touched AS (
  UPDATE companies SET token_last_used_at = now()
  WHERE id = ${ID} AND :touch
    AND (token_last_used_at IS NULL OR token_last_used_at < now() - interval '5 minutes')
  RETURNING id
)
SELECT ${ROW_COLUMNS}, (SELECT count(*) FROM touched) AS touched
FROM companies c
WHERE c.id = ${ID}`;

/** Other companies whose last login used the same Bluestakes account, freshest token first. */
export const SIBLINGS_SQL = `
SELECT c.id AS company_id, ${ROW_COLUMNS}
FROM companies c
WHERE c.bluestakes_account_key = :accountKey AND c.id <> ${ID} AND c.enabled
ORDER BY c.bluestakes_token_expires_at DESC NULLS LAST
LIMIT 20`;

export const LEASE_SQL = `
UPDATE companies
SET token_lease_owner = :owner,
    token_lease_until = now() + make_interval(secs => :leaseSeconds),
    token_lease_fence = token_lease_fence + 1
WHERE id = ${ID}
  AND (bluestakes_token IS NULL
       OR bluestakes_token_expires_at IS NULL OR bluestakes_token_expires_at <= now()
       OR bluestakes_token_refresh_at IS NULL OR bluestakes_token_refresh_at <= now())
  AND (token_lease_until IS NULL OR token_lease_until <= now())
  AND (login_hold_until IS NULL OR login_hold_until <= now())
  AND enabled
RETURNING token_lease_fence AS fence, bluestakes_token_version AS version,
          credentials_version, token_ttl_seconds AS ttl_override`;

const TOKEN_COLUMNS = `
    bluestakes_token = :token,
    bluestakes_token_version = CAST(:newVersion AS bigint),
    bluestakes_token_issued_at = now() - make_interval(secs => :elapsedSeconds),
    bluestakes_token_expires_at = now() + make_interval(secs => :expiresAfterSeconds),
    bluestakes_token_refresh_at = now() + make_interval(secs => :refreshAfterSeconds),
    bluestakes_token_fingerprint = :fingerprint,
    bluestakes_account_key = COALESCE(:accountKey, bluestakes_account_key),
    token_lease_owner = NULL,
    token_lease_until = NULL,
    login_failure_count = 0,
    login_hold_until = NULL,
    login_hold_reason = NULL`;

const WRITTEN_RETURNING = `
  RETURNING id, bluestakes_token_version AS version,
            ${MS_UNTIL('bluestakes_token_expires_at')} AS expires_in_ms,
            ${MS_UNTIL('bluestakes_token_refresh_at')} AS refresh_in_ms`;

const AUDIT_FROM = (source: string, versionColumn = 'version') => `
audit AS (
  INSERT INTO token_auth_events (company_id, event, token_version, token_fingerprint, detail)
  SELECT id, :event, ${versionColumn}, :fingerprint, :detail FROM ${source}
)`;

export const WRITE_FENCED_SQL = `
WITH updated AS (
  UPDATE companies SET ${TOKEN_COLUMNS}
  WHERE id = ${ID} AND token_lease_fence = CAST(:fence AS bigint)
    AND bluestakes_token_version = CAST(:expectedVersion AS bigint)
  ${WRITTEN_RETURNING}
), ${AUDIT_FROM('updated')}
SELECT version, expires_in_ms, refresh_in_ms FROM updated`;

export const STORE_SQL = `
WITH updated AS (
  UPDATE companies SET ${TOKEN_COLUMNS},
    token_lease_fence = token_lease_fence + 1
  WHERE id = ${ID} AND bluestakes_token_version = CAST(:expectedVersion AS bigint)
  ${WRITTEN_RETURNING}
), ${AUDIT_FROM('updated')}
SELECT version, expires_in_ms, refresh_in_ms FROM updated`;

/** Hands a sibling's fresh login to this company, only if its row has not moved since it was read. */
export const SHARE_SQL = `
WITH updated AS (
  UPDATE companies SET ${TOKEN_COLUMNS},
    token_lease_fence = token_lease_fence + 1
  WHERE id = ${ID} AND bluestakes_token_version = CAST(:expectedVersion AS bigint)
    AND bluestakes_account_key = :accountKey AND enabled
  ${WRITTEN_RETURNING}
), ${AUDIT_FROM('updated')}
SELECT version, expires_in_ms, refresh_in_ms FROM updated`;

export const FAILURE_SQL = `
WITH updated AS (
  UPDATE companies
  SET token_lease_owner = NULL,
      token_lease_until = NULL,
      login_failure_count = login_failure_count + 1,
      login_hold_reason = :reason,
      login_hold_until = now() + make_interval(secs => CASE
        WHEN :reason = 'upstream_failing'
          -- Exponential, but never past the current token's hard expiry: a login is retried by then.
          THEN LEAST(
            :backoffMaxSeconds,
            :backoffBaseSeconds * power(2, LEAST(login_failure_count, 30)),
            GREATEST(
              :backoffBaseSeconds,
              COALESCE(EXTRACT(EPOCH FROM (bluestakes_token_expires_at - now()))::float8, :backoffMaxSeconds)
            )
          )
        ELSE :holdSeconds END)
  WHERE id = ${ID} AND token_lease_fence = CAST(:fence AS bigint)
  RETURNING id, bluestakes_token_version AS version
), ${AUDIT_FROM('updated')}
SELECT count(*) AS updated FROM updated`;

export const RELEASE_SQL = `
UPDATE companies SET token_lease_owner = NULL, token_lease_until = NULL
WHERE id = ${ID} AND token_lease_fence = CAST(:fence AS bigint)`;

export const INVALIDATE_SQL = `
WITH updated AS (
  UPDATE companies
  SET bluestakes_token_expires_at = now(),
      bluestakes_token_refresh_at = now()
  WHERE id = ${ID} AND bluestakes_token_version = CAST(:version AS bigint)
    AND bluestakes_token IS NOT NULL AND bluestakes_token_expires_at > now()
  RETURNING id, bluestakes_token_version AS version, bluestakes_token_fingerprint AS fingerprint
), audit AS (
  INSERT INTO token_auth_events (company_id, event, token_version, token_fingerprint, detail)
  SELECT id, 'token_invalidated', version, fingerprint, :detail FROM updated
)
SELECT count(*) AS invalidated FROM updated`;

/** The parameters of a token write: the new version, its ciphertext and durations from the database clock. */
export function tokenParams(companyId: string, newVersion: string, write: TokenWrite) {
  return {
    companyId,
    newVersion,
    token: write.encryptFor(newVersion),
    elapsedSeconds: write.elapsedSeconds,
    expiresAfterSeconds: write.lifetimeSeconds - write.elapsedSeconds,
    refreshAfterSeconds: write.lifetimeSeconds - write.refreshLeadSeconds - write.elapsedSeconds,
    fingerprint: write.fingerprint,
    accountKey: write.accountKey,
    event: write.event,
    detail: `lifetime ${Math.round(write.lifetimeSeconds)} s`,
  };
}

export function nextVersion(version: string): string {
  return (BigInt(version) + 1n).toString();
}

/** What a token write returns (`WRITTEN_RETURNING`); undefined when it matched no row. */
export function toWritten(row: Row | undefined): WrittenToken | undefined {
  if (row === undefined) return undefined;
  return {
    version: String(row.version),
    expiresInMs: Number(row.expires_in_ms),
    refreshInMs: Number(row.refresh_in_ms),
  };
}
