/** The statements outside the refresh path: clear, credentials change, audit, cleanup, stats. */
import type { Row } from '../data-api/data-api-executor';
import { ID } from './token-protocol-sql';
import type { TokenStats } from './token-store';

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
export const CLEAR_SQL = auditedUpdate(
  DROP_TOKEN_COLUMNS,
  'token_cleared',
  ':detail',
  'cleared',
  'token_lease_fence = CAST(:expectedFence AS bigint)',
);

export const CREDENTIALS_CHANGED_SQL = auditedUpdate(
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

export const EVENT_SQL = `
INSERT INTO token_auth_events (company_id, event, token_version, detail)
SELECT id, :event, bluestakes_token_version, :detail FROM companies WHERE id = ${ID}`;

export const CLEANUP_TOKENS_SQL = `
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

export const PRUNE_AUDIT_SQL = `
DELETE FROM token_auth_events WHERE created_at < now() - make_interval(secs => :days * 86400)`;

export const PRUNE_RATE_LIMITS_SQL = `
DELETE FROM bluestakes_rate_limits
WHERE updated_at < now() - make_interval(secs => :idleSeconds)
  AND (blocked_until IS NULL OR blocked_until < now())`;

export const STATS_SQL = `
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

export const FENCE_SQL = `
SELECT token_lease_fence AS fence, credentials_version, bluestakes_token AS token
FROM companies WHERE id = ${ID}`;

/** The stats row as numbers (counts arrive as strings: bigint is read back as text). */
export function toTokenStats(row: Row): TokenStats {
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
}
