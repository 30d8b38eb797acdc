/**
 * The token manager's answers in the HTTP API's shape (snake_case JSON, durations in seconds). The
 * protocol works on `TokenRow`s and logins; only this module knows how they are shown.
 */
import type { BluestakesLogin } from '../bluestakes';
import type { LearnedRateLimit } from '../rate-limit';
import type { CleanupResult, LoginHoldReason, TokenRow, TokenStats } from '../store';

export type CleanupReport = CleanupResult;

/** What `getTokenStatus` reports. Never the token itself: only a fingerprint. Durations in seconds. */
export interface TokenStatus {
  readonly company_id: string;
  readonly has_valid_token: boolean;
  readonly has_token: boolean;
  readonly expires_at: string | null;
  readonly expires_in: number | null;
  readonly refresh_at: string | null;
  readonly refresh_in: number | null;
  readonly version: string;
  readonly token_fingerprint: string | null;
  readonly lease: {
    readonly held: boolean;
    readonly owner: string | null;
    readonly expires_in: number | null;
  };
  readonly hold: {
    readonly active: boolean;
    readonly reason: LoginHoldReason | null;
    readonly expires_in: number | null;
  };
  readonly login_failures: number;
  readonly credentials_version: string;
  readonly last_used_at: string | null;
}

export interface StoreCredentialsResult {
  readonly company_id: string;
  readonly username: string;
  readonly credentials_tested: boolean;
  /** True when verified by a login; null when verification was skipped. */
  readonly credentials_valid: boolean | null;
  readonly credentials_stored: boolean;
  /** The verification login's token was kept as the company's cached token. */
  readonly token_cached: boolean;
}

export interface CredentialsTestResult {
  readonly username: string;
  readonly credentials_valid: boolean;
  readonly token_expires_at: string | null;
}

function seconds(ms: number | null): number | null {
  return ms === null ? null : Math.round(ms / 1000);
}

export function tokenStatusView(companyId: string, row: TokenRow): TokenStatus {
  const hasToken = row.encryptedToken !== null;
  const leaseHeld = (row.leaseRemainingMs ?? 0) > 0;
  const holdActive = (row.holdRemainingMs ?? 0) > 0;
  return {
    company_id: companyId,
    has_valid_token: hasToken && (row.expiresInMs ?? 0) > 0,
    has_token: hasToken,
    expires_at: hasToken ? (row.expiresAt?.toISOString() ?? null) : null,
    expires_in: hasToken ? seconds(row.expiresInMs) : null,
    refresh_at: hasToken ? (row.refreshAt?.toISOString() ?? null) : null,
    refresh_in: hasToken ? seconds(row.refreshInMs) : null,
    version: row.version,
    token_fingerprint: hasToken ? row.fingerprint : null,
    lease: {
      held: leaseHeld,
      owner: leaseHeld ? row.leaseOwner : null,
      expires_in: leaseHeld ? seconds(row.leaseRemainingMs) : null,
    },
    hold: {
      active: holdActive,
      reason: holdActive ? row.holdReason : null,
      expires_in: holdActive ? seconds(row.holdRemainingMs) : null,
    },
    login_failures: row.failureCount,
    credentials_version: row.credentialsVersion,
    last_used_at: row.lastUsedAt?.toISOString() ?? null,
  };
}

export function tokenStatsView(
  stats: TokenStats,
  configuredRateLimit: number,
  learned: readonly LearnedRateLimit[],
): TokenStats {
  return {
    ...stats,
    configured_rate_limit: configuredRateLimit,
    learned_rate_limits: learned.map(({ key, limit }) => ({ key, limit })),
  };
}

export function storeCredentialsView(
  companyId: string,
  username: string,
  verified: boolean,
  tokenCached: boolean,
): StoreCredentialsResult {
  return {
    company_id: companyId,
    username,
    credentials_tested: verified,
    credentials_valid: verified ? true : null,
    credentials_stored: true,
    token_cached: tokenCached,
  };
}

/** `login` undefined: the credentials were rejected. */
export function credentialsTestView(
  username: string,
  login: BluestakesLogin | undefined,
): CredentialsTestResult {
  if (login === undefined) return { username, credentials_valid: false, token_expires_at: null };
  return { username, credentials_valid: true, token_expires_at: login.expiresAt?.toISOString() ?? null };
}
