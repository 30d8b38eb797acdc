/**
 * The port the token logic depends on. Every duration is measured on the database clock and
 * returned relative to it (milliseconds from the database's `now()`), so containers with skewed
 * clocks still agree on what is due and what has expired.
 */

export interface TokenRow {
  readonly companyId: string;
  /** `enc:v1:...` ciphertext, or null when no token is cached. */
  readonly encryptedToken: string | null;
  readonly version: string;
  readonly fingerprint: string | null;
  readonly accountKey: string | null;
  readonly expiresAt: Date | null;
  readonly refreshAt: Date | null;
  readonly issuedAt: Date | null;
  readonly expiresInMs: number | null;
  readonly refreshInMs: number | null;
  readonly issuedAgoMs: number | null;
  readonly leaseOwner: string | null;
  /** Positive while a lease is held. */
  readonly leaseRemainingMs: number | null;
  /** Positive while logins are on hold. */
  readonly holdRemainingMs: number | null;
  readonly holdReason: LoginHoldReason | null;
  readonly failureCount: number;
  readonly credentialsVersion: string;
  readonly ttlOverrideSeconds: number | null;
  readonly lastUsedAt: Date | null;
  /** A disabled company gets no logins (the lease statement refuses it) and no token. */
  readonly enabled: boolean;
  readonly dbNow: Date;
}

export type LoginHoldReason = 'credentials_rejected' | 'credentials_missing' | 'upstream_failing';

export interface Lease {
  readonly fence: string;
  /** The token version when the lease was taken; the write-back is conditional on it. */
  readonly version: string;
  readonly credentialsVersion: string;
  readonly ttlOverrideSeconds: number | null;
}

export interface TokenWrite {
  /** Builds the stored value for the new version (encryption binds the version). */
  readonly encryptFor: (newVersion: string) => string;
  readonly fingerprint: string;
  readonly accountKey: string | null;
  /** How long the token lives, counted from when it was granted. */
  readonly lifetimeSeconds: number;
  /** How long before the hard expiry the refresh becomes due. */
  readonly refreshLeadSeconds: number;
  /** Time between asking Bluestakes and writing (the grant happened that long ago). */
  readonly elapsedSeconds: number;
  readonly event: 'login' | 'token_stored' | 'credentials_stored' | 'token_shared';
}

export interface WrittenToken {
  readonly version: string;
  readonly expiresInMs: number;
  readonly refreshInMs: number;
}

export interface LoginFailure {
  readonly reason: LoginHoldReason;
  /** Fixed hold for rejected or missing credentials. */
  readonly holdSeconds: number;
  /** Exponential back-off for upstream failures: base * 2^failures, capped. */
  readonly backoffBaseSeconds: number;
  readonly backoffMaxSeconds: number;
  readonly detail: string;
}

export interface TokenStats {
  readonly total_cached: number;
  readonly valid_tokens: number;
  readonly expired_tokens: number;
  readonly expiring_soon: number;
  readonly without_expiry: number;
  readonly refreshing: number;
  readonly held_companies: number;
  /** Logins of the refresh protocol (lease winners). */
  readonly logins_last_hour: number;
  /** Logins that verified credentials being stored (their token is kept); not in `logins_last_hour`. */
  readonly verification_logins_last_hour?: number;
  readonly login_failures_last_hour: number;
  readonly upstream_429s_last_hour: number;
  readonly invalidations_last_hour: number;
  /** `RATE_LIMIT_MAX_REQUESTS`: upstream calls allowed per window and key. */
  readonly configured_rate_limit?: number;
  /** Keys whose budget an upstream 429 lowered and that have not recovered yet (the limit in force now). */
  readonly learned_rate_limits?: readonly { readonly key: string; readonly limit: number }[];
}

export interface CleanupResult {
  readonly tokens_cleaned: number;
  readonly audit_events_pruned: number;
  readonly rate_limit_rows_pruned: number;
}

export interface TokenStore {
  /** One lock-free read; `touch` records use for pre-refresh (at most once per 5 min per company). */
  /** `retryBudgetMs` overrides the executor's (0 = one attempt, for callers with a fallback). */
  read(
    companyId: string,
    options?: { touch?: boolean; retryBudgetMs?: number },
  ): Promise<TokenRow | undefined>;
  /** One conditional statement: returns a lease only when a refresh is due, no lease is live and no hold. */
  tryAcquireLease(companyId: string, owner: string, leaseSeconds: number): Promise<Lease | undefined>;
  /** Fenced write-back; undefined when the lease was lost (fence or version moved). */
  writeToken(companyId: string, lease: Lease, write: TokenWrite): Promise<WrittenToken | undefined>;
  /** Fenced failure record: releases the lease and sets the hold. */
  recordLoginFailure(companyId: string, lease: Lease, failure: LoginFailure): Promise<void>;
  /** Fenced release without a failure (e.g. the rate limiter had no slot). */
  releaseLease(companyId: string, lease: Lease): Promise<void>;
  /** Compare-and-invalidate: expires the token only if it is still `version`. True when this call did it. */
  invalidate(companyId: string, version: string, detail: string): Promise<boolean>;
  /** Removes the token and bumps the fence (an in-flight refresh cannot write back). False: no company. */
  clear(companyId: string, detail: string): Promise<boolean>;
  /** Stores a token outside the lease protocol (manual store, fresh credentials); takes over any lease. */
  storeToken(companyId: string, write: TokenWrite): Promise<WrittenToken | undefined>;
  /**
   * Other companies whose token came from the same Bluestakes account (tokens belong to the account:
   * a login for one revokes the other's), freshest token first.
   */
  accountSiblings?(companyId: string, accountKey: string): Promise<TokenRow[]>;
  /**
   * Gives this company a token a sibling's login obtained, only while its version is still
   * `expectedVersion` and it still belongs to the account; takes over any lease (fence bump).
   */
  shareToken?(
    companyId: string,
    expectedVersion: string,
    write: TokenWrite,
  ): Promise<WrittenToken | undefined>;
  /** New credentials: bump their version, lift any hold, clear the old token. False: no company. */
  markCredentialsChanged(companyId: string, accountKey: string): Promise<boolean>;
  recordEvent(companyId: string, event: string, detail: string): Promise<void>;
  cleanup(options: {
    graceSeconds: number;
    auditRetentionDays: number;
    rateLimitIdleSeconds: number;
  }): Promise<CleanupResult>;
  stats(options: { expiringSoonSeconds: number }): Promise<TokenStats>;
}
