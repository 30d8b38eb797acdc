import {
  numberOrNull as num,
  type Row,
  type SqlExecutor,
  textOrNull as text,
  timeOrNull as time,
} from '../data-api';
import type {
  CleanupResult,
  LoginHoldReason,
  TokenRow,
  TokenStats,
  TokenStore,
  TokenWrite,
  WrittenToken,
} from './token-store';

const ID = 'CAST(:companyId AS bigint)';
const MS_UNTIL = (column: string) => `(EXTRACT(EPOCH FROM (${column} - now())) * 1000)::bigint`;

const HOLD_REASONS: readonly LoginHoldReason[] = [
  'credentials_rejected',
  'credentials_missing',
  'upstream_failing',
];

function toTokenRow(companyId: string, row: Row): TokenRow {
  const reason = HOLD_REASONS.find((candidate) => candidate === row.hold_reason) ?? null;
  return {
    companyId,
    encryptedToken: text(row.token),
    version: text(row.version) ?? '0',
    fingerprint: text(row.fingerprint),
    accountKey: text(row.account_key),
    expiresAt: time(row.expires_at),
    refreshAt: time(row.refresh_at),
    issuedAt: time(row.issued_at),
    expiresInMs: num(row.expires_in_ms),
    refreshInMs: num(row.refresh_in_ms),
    issuedAgoMs: num(row.issued_ago_ms),
    leaseOwner: text(row.lease_owner),
    leaseRemainingMs: num(row.lease_remaining_ms),
    holdRemainingMs: num(row.hold_remaining_ms),
    holdReason: reason,
    failureCount: num(row.failure_count) ?? 0,
    credentialsVersion: text(row.credentials_version) ?? '0',
    ttlOverrideSeconds: num(row.ttl_override),
    lastUsedAt: time(row.last_used_at),
    enabled: row.enabled !== false,
    dbNow: time(row.db_now) ?? new Date(),
  };
}

const ROW_COLUMNS = `
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

const READ_SQL = `
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
const SIBLINGS_SQL = `
SELECT c.id AS company_id, ${ROW_COLUMNS}
FROM companies c
WHERE c.bluestakes_account_key = :accountKey AND c.id <> ${ID} AND c.enabled
ORDER BY c.bluestakes_token_expires_at DESC NULLS LAST
LIMIT 20`;

const LEASE_SQL = `
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

const WRITE_FENCED_SQL = `
WITH updated AS (
  UPDATE companies SET ${TOKEN_COLUMNS}
  WHERE id = ${ID} AND token_lease_fence = CAST(:fence AS bigint)
    AND bluestakes_token_version = CAST(:expectedVersion AS bigint)
  ${WRITTEN_RETURNING}
), ${AUDIT_FROM('updated')}
SELECT version, expires_in_ms, refresh_in_ms FROM updated`;

const STORE_SQL = `
WITH updated AS (
  UPDATE companies SET ${TOKEN_COLUMNS},
    token_lease_fence = token_lease_fence + 1
  WHERE id = ${ID} AND bluestakes_token_version = CAST(:expectedVersion AS bigint)
  ${WRITTEN_RETURNING}
), ${AUDIT_FROM('updated')}
SELECT version, expires_in_ms, refresh_in_ms FROM updated`;

/** Hands a sibling's fresh login to this company, only if its row has not moved since it was read. */
const SHARE_SQL = `
WITH updated AS (
  UPDATE companies SET ${TOKEN_COLUMNS},
    token_lease_fence = token_lease_fence + 1
  WHERE id = ${ID} AND bluestakes_token_version = CAST(:expectedVersion AS bigint)
    AND bluestakes_account_key = :accountKey AND enabled
  ${WRITTEN_RETURNING}
), ${AUDIT_FROM('updated')}
SELECT version, expires_in_ms, refresh_in_ms FROM updated`;

const FAILURE_SQL = `
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

const RELEASE_SQL = `
UPDATE companies SET token_lease_owner = NULL, token_lease_until = NULL
WHERE id = ${ID} AND token_lease_fence = CAST(:fence AS bigint)`;

const INVALIDATE_SQL = `
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

/** Drops the token and takes over any lease, so a refresh in flight cannot write back an older token. */
const DROP_TOKEN_COLUMNS = `
      bluestakes_token = NULL,
      bluestakes_token_expires_at = NULL,
      bluestakes_token_refresh_at = NULL,
      bluestakes_token_fingerprint = NULL,
      token_lease_owner = NULL,
      token_lease_until = NULL,
      token_lease_fence = token_lease_fence + 1`;

/** One audited update of a single company row: `event` and `detail` land in the audit table. */
const auditedUpdate = (set: string, event: string, detail: string, resultColumn: string, where: string) => `
WITH updated AS (
  UPDATE companies SET ${set}
  WHERE id = ${ID} AND ${where}
  RETURNING id, bluestakes_token_version AS version
), audit AS (
  INSERT INTO token_auth_events (company_id, event, token_version, detail)
  SELECT id, '${event}', version, ${detail} FROM updated
)
SELECT count(*) AS ${resultColumn} FROM updated`;

// Both are compare-and-set on a counter they bump, so a retry after an unknown outcome applies at most
// once, and a re-read tells whether the first attempt did (see `reconciled`).
const CLEAR_SQL = auditedUpdate(
  DROP_TOKEN_COLUMNS,
  'token_cleared',
  ':detail',
  'cleared',
  'token_lease_fence = CAST(:expectedFence AS bigint)',
);

const CREDENTIALS_CHANGED_SQL = auditedUpdate(
  `credentials_version = credentials_version + 1,
      bluestakes_account_key = :accountKey,
      login_failure_count = 0,
      login_hold_until = NULL,
      login_hold_reason = NULL,${DROP_TOKEN_COLUMNS}`,
  'credentials_changed',
  "'credentials replaced; old token cleared'",
  'updated',
  'credentials_version = CAST(:expectedCredentialsVersion AS bigint)',
);

const EVENT_SQL = `
INSERT INTO token_auth_events (company_id, event, token_version, detail)
SELECT id, :event, bluestakes_token_version, :detail FROM companies WHERE id = ${ID}`;

const CLEANUP_TOKENS_SQL = `
WITH cleaned AS (
  UPDATE companies
  SET bluestakes_token = NULL,
      bluestakes_token_expires_at = NULL,
      bluestakes_token_refresh_at = NULL,
      bluestakes_token_fingerprint = NULL
  WHERE bluestakes_token IS NOT NULL
    AND (bluestakes_token_expires_at IS NULL
         OR bluestakes_token_expires_at < now() - make_interval(secs => :graceSeconds))
    AND (token_lease_until IS NULL OR token_lease_until <= now())
  RETURNING id, bluestakes_token_version AS version
), audit AS (
  INSERT INTO token_auth_events (company_id, event, token_version, detail)
  SELECT id, 'token_cleaned', version, 'expired token removed by cleanup' FROM cleaned
)
SELECT count(*) AS cleaned FROM cleaned`;

const PRUNE_AUDIT_SQL = `
DELETE FROM token_auth_events WHERE created_at < now() - make_interval(secs => :days * 86400)`;

const PRUNE_RATE_LIMITS_SQL = `
DELETE FROM bluestakes_rate_limits
WHERE updated_at < now() - make_interval(secs => :idleSeconds)
  AND (blocked_until IS NULL OR blocked_until < now())`;

const STATS_SQL = `
SELECT
  count(*) FILTER (WHERE bluestakes_token IS NOT NULL) AS total_cached,
  count(*) FILTER (WHERE bluestakes_token IS NOT NULL
                   AND bluestakes_token_expires_at > now() + make_interval(secs => :soonSeconds)) AS valid_tokens,
  count(*) FILTER (WHERE bluestakes_token IS NOT NULL AND bluestakes_token_expires_at <= now()) AS expired_tokens,
  count(*) FILTER (WHERE bluestakes_token IS NOT NULL AND bluestakes_token_expires_at > now()
                   AND bluestakes_token_expires_at <= now() + make_interval(secs => :soonSeconds)) AS expiring_soon,
  count(*) FILTER (WHERE bluestakes_token IS NOT NULL AND bluestakes_token_expires_at IS NULL) AS without_expiry,
  count(*) FILTER (WHERE token_lease_until > now()) AS refreshing,
  count(*) FILTER (WHERE login_hold_until > now()) AS held_companies,
  (SELECT count(*) FROM token_auth_events WHERE created_at > now() - interval '1 hour' AND event = 'login')
    AS logins_last_hour,
  (SELECT count(*) FROM token_auth_events WHERE created_at > now() - interval '1 hour'
                                            AND event = 'credentials_stored') AS verification_logins_last_hour,
  (SELECT count(*) FROM token_auth_events WHERE created_at > now() - interval '1 hour' AND event = 'login_failed')
    AS login_failures_last_hour,
  (SELECT count(*) FROM token_auth_events WHERE created_at > now() - interval '1 hour'
                                            AND event = 'upstream_rate_limited') AS upstream_429s_last_hour,
  (SELECT count(*) FROM token_auth_events WHERE created_at > now() - interval '1 hour'
                                            AND event = 'token_invalidated') AS invalidations_last_hour
FROM companies`;

const FENCE_SQL = `
SELECT token_lease_fence AS fence, credentials_version, bluestakes_token AS token
FROM companies WHERE id = ${ID}`;

/** The counters the compare-and-set writes check. */
interface FenceRow {
  readonly fence: string;
  readonly credentialsVersion: string;
  readonly encryptedToken: string | null;
}

function tokenParams(companyId: string, newVersion: string, write: TokenWrite) {
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

function toWritten(row: Row | undefined): WrittenToken | undefined {
  if (row === undefined) return undefined;
  return {
    version: String(row.version),
    expiresInMs: Number(row.expires_in_ms),
    refreshInMs: Number(row.refresh_in_ms),
  };
}

function nextVersion(version: string): string {
  return (BigInt(version) + 1n).toString();
}

/** The token store over Aurora PostgreSQL through the RDS Data API: one statement per protocol step. */
export function createDataApiTokenStore(executor: SqlExecutor): TokenStore {
  const count = (rows: Row[], column: string) => Number(rows[0]?.[column] ?? 0);

  /**
   * Runs a compare-and-set write that bumps a counter. When it matches nothing (the counter moved: a
   * concurrent writer, or our own earlier attempt whose answer was lost and the executor re-sent), the
   * row is read again: `applied` decides from before/after whether the effect is in place; otherwise
   * the write is tried again against the new value. Never blindly repeated.
   */
  async function reconciled(
    companyId: string,
    counter: (row: FenceRow) => string,
    write: (row: FenceRow) => Promise<boolean>,
    applied: (before: FenceRow, after: FenceRow) => boolean,
  ): Promise<boolean> {
    let before = await readFence(companyId);
    for (let attempt = 0; attempt < 5; attempt++) {
      if (before === undefined) return false;
      if (await write(before)) return true;
      const after = await readFence(companyId);
      if (after === undefined) return false;
      if (applied(before, after)) return true;
      if (counter(after) === counter(before)) return false;
      before = after;
    }
    return false;
  }

  async function readFence(companyId: string): Promise<FenceRow | undefined> {
    const { rows } = await executor.execute(FENCE_SQL, { companyId }, { idempotent: true });
    const row = rows[0];
    if (row === undefined) return undefined;
    return {
      fence: String(row.fence),
      credentialsVersion: String(row.credentials_version),
      encryptedToken: text(row.token),
    };
  }

  return {
    async read(companyId, { touch = false, retryBudgetMs } = {}) {
      const { rows } = await executor.execute(
        READ_SQL,
        { companyId, touch },
        { idempotent: true, ...(retryBudgetMs === undefined ? {} : { retryBudgetMs }) },
      );
      return rows[0] === undefined ? undefined : toTokenRow(companyId, rows[0]);
    },

    async tryAcquireLease(companyId, owner, leaseSeconds) {
      // Retrying is safe: a second attempt after an applied first one finds the lease live and gets nothing.
      const { rows } = await executor.execute(
        LEASE_SQL,
        { companyId, owner, leaseSeconds },
        { idempotent: true },
      );
      const row = rows[0];
      if (row === undefined) return undefined;
      return {
        fence: String(row.fence),
        version: String(row.version),
        credentialsVersion: String(row.credentials_version),
        ttlOverrideSeconds: num(row.ttl_override),
      };
    },

    async writeToken(companyId, lease, write) {
      const { rows } = await executor.execute(
        WRITE_FENCED_SQL,
        {
          ...tokenParams(companyId, nextVersion(lease.version), write),
          fence: lease.fence,
          expectedVersion: lease.version,
        },
        { idempotent: true },
      );
      return toWritten(rows[0]);
    },

    async recordLoginFailure(companyId, lease, failure) {
      await executor.execute(
        FAILURE_SQL,
        {
          companyId,
          fence: lease.fence,
          reason: failure.reason,
          holdSeconds: failure.holdSeconds,
          backoffBaseSeconds: failure.backoffBaseSeconds,
          backoffMaxSeconds: failure.backoffMaxSeconds,
          event: 'login_failed',
          fingerprint: null,
          detail: failure.detail.slice(0, 500),
        },
        { idempotent: true },
      );
    },

    async releaseLease(companyId, lease) {
      await executor.execute(RELEASE_SQL, { companyId, fence: lease.fence }, { idempotent: true });
    },

    async invalidate(companyId, version, detail) {
      const { rows } = await executor.execute(
        INVALIDATE_SQL,
        { companyId, version, detail: detail.slice(0, 500) },
        { idempotent: true },
      );
      return count(rows, 'invalidated') > 0;
    },

    async clear(companyId, detail) {
      return reconciled(
        companyId,
        (row) => row.fence,
        async (row) => {
          const { rows } = await executor.execute(
            CLEAR_SQL,
            { companyId, detail: detail.slice(0, 500), expectedFence: row.fence },
            { idempotent: true },
          );
          return count(rows, 'cleared') > 0;
        },
        // Applied when the fence moved on and no token is left (ours, or a clear racing ours).
        (before, after) => BigInt(after.fence) > BigInt(before.fence) && after.encryptedToken === null,
      );
    },

    async storeToken(companyId, write) {
      // The version is part of the ciphertext's binding, so read it, then write conditionally on it.
      for (let attempt = 0; attempt < 5; attempt++) {
        const current = await this.read(companyId);
        if (current === undefined) return undefined;
        const { rows } = await executor.execute(
          STORE_SQL,
          {
            ...tokenParams(companyId, nextVersion(current.version), write),
            expectedVersion: current.version,
          },
          { idempotent: true },
        );
        const written = toWritten(rows[0]);
        if (written !== undefined) return written;
      }
      return undefined;
    },

    async accountSiblings(companyId, accountKey) {
      const { rows } = await executor.execute(SIBLINGS_SQL, { companyId, accountKey }, { idempotent: true });
      return rows.map((row) => toTokenRow(String(row.company_id), row));
    },

    async shareToken(companyId, expectedVersion, write) {
      const { rows } = await executor.execute(
        SHARE_SQL,
        { ...tokenParams(companyId, nextVersion(expectedVersion), write), expectedVersion },
        { idempotent: true },
      );
      return toWritten(rows[0]);
    },

    async markCredentialsChanged(companyId, accountKey) {
      return reconciled(
        companyId,
        (row) => row.credentialsVersion,
        async (row) => {
          const { rows } = await executor.execute(
            CREDENTIALS_CHANGED_SQL,
            { companyId, accountKey, expectedCredentialsVersion: row.credentialsVersion },
            { idempotent: true },
          );
          return count(rows, 'updated') > 0;
        },
        // Any bump after our read came after our secret write: the new credentials are announced.
        (before, after) => BigInt(after.credentialsVersion) > BigInt(before.credentialsVersion),
      );
    },

    async recordEvent(companyId, event, detail) {
      await executor.execute(EVENT_SQL, { companyId, event, detail: detail.slice(0, 500) });
    },

    async cleanup({ graceSeconds, auditRetentionDays, rateLimitIdleSeconds }): Promise<CleanupResult> {
      const cleaned = await executor.execute(CLEANUP_TOKENS_SQL, { graceSeconds }, { idempotent: true });
      const audit = await executor.execute(
        PRUNE_AUDIT_SQL,
        { days: auditRetentionDays },
        { idempotent: true },
      );
      const limits = await executor.execute(
        PRUNE_RATE_LIMITS_SQL,
        { idleSeconds: rateLimitIdleSeconds },
        { idempotent: true },
      );
      return {
        tokens_cleaned: count(cleaned.rows, 'cleaned'),
        audit_events_pruned: audit.rowsUpdated,
        rate_limit_rows_pruned: limits.rowsUpdated,
      };
    },

    async stats({ expiringSoonSeconds }): Promise<TokenStats> {
      const { rows } = await executor.execute(
        STATS_SQL,
        { soonSeconds: expiringSoonSeconds },
        { idempotent: true },
      );
      const row = rows[0] ?? {};
      const field = (name: keyof TokenStats) => Number(row[name] ?? 0);
      return {
        total_cached: field('total_cached'),
        valid_tokens: field('valid_tokens'),
        expired_tokens: field('expired_tokens'),
        expiring_soon: field('expiring_soon'),
        without_expiry: field('without_expiry'),
        refreshing: field('refreshing'),
        held_companies: field('held_companies'),
        logins_last_hour: field('logins_last_hour'),
        verification_logins_last_hour: field('verification_logins_last_hour'),
        login_failures_last_hour: field('login_failures_last_hour'),
        upstream_429s_last_hour: field('upstream_429s_last_hour'),
        invalidations_last_hour: field('invalidations_last_hour'),
      };
    },
  };
}
