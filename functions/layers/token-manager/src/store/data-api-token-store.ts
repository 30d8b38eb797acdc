import {
  numberOrNull as num,
  type Row,
  type SqlExecutor,
  textOrNull as text,
  timeOrNull as time,
} from '../data-api';
import {
  CLEANUP_TOKENS_SQL,
  CLEAR_SQL,
  CREDENTIALS_CHANGED_SQL,
  EVENT_SQL,
  FENCE_SQL,
  PRUNE_AUDIT_SQL,
  PRUNE_RATE_LIMITS_SQL,
  STATS_SQL,
  toTokenStats,
} from './token-admin-sql';
import {
  FAILURE_SQL,
  INVALIDATE_SQL,
  LEASE_SQL,
  nextVersion,
  READ_SQL,
  RELEASE_SQL,
  SHARE_SQL,
  SIBLINGS_SQL,
  STORE_SQL,
  tokenParams,
  toWritten,
  WRITE_FENCED_SQL,
} from './token-protocol-sql';
import type { CleanupResult, LoginHoldReason, TokenRow, TokenStats, TokenStore } from './token-store';

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

/** The counters the compare-and-set writes check. */
interface FenceRow {
  readonly fence: string;
  readonly credentialsVersion: string;
  readonly encryptedToken: string | null;
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
      return toTokenStats(rows[0] ?? {});
    },
  };
}
