import {
  DEFAULT_BLUESTAKES_BASE_URL,
  DEFAULT_CREDENTIALS_SECRET_PREFIX,
  DEFAULT_DATA_API_RESUME_BUDGET_MS,
  DEFAULT_RATE_LIMIT_MAX_REQUESTS,
  DEFAULT_RATE_LIMIT_MAX_WAIT_MS,
  DEFAULT_RATE_LIMIT_SCOPE,
  DEFAULT_RATE_LIMIT_WINDOW_MS,
  DEFAULT_TOKEN_REFRESH_BEFORE_SECONDS,
  DEFAULT_TOKEN_TTL_SECONDS,
  RATE_LIMIT_SCOPES,
  type RateLimitScope,
} from '../constants';

export { DEFAULT_BLUESTAKES_BASE_URL, DEFAULT_CREDENTIALS_SECRET_PREFIX } from '../constants';

import {
  type Environment,
  optionalChoice,
  optionalInteger,
  optionalString,
  optionalUrl,
  requiredString,
} from './env-readers';

export interface DatabaseSettings {
  /** Aurora cluster ARN (Data API `resourceArn`). */
  readonly resourceArn: string;
  /** Secrets Manager ARN of the database credentials (Data API `secretArn`). */
  readonly secretArn: string;
  readonly database: string;
  /** How long a call may keep retrying while an auto-paused cluster resumes. */
  readonly resumeRetryBudgetMs: number;
}

export interface TokenSettings {
  /** Lifetime given to a token when the JWT carries no earlier `exp`. */
  readonly ttlSeconds: number;
  /** Refresh this long before the hard expiry. */
  readonly refreshBeforeSeconds: number;
  /** Up to this much extra, random, so companies do not all refresh in the same second. */
  readonly refreshJitterSeconds: number;
  /** An in-process copy is re-checked against the database at least this often (bounds `clearToken` lag). */
  readonly l1MaxStalenessMs: number;
  /** How long a refresh lease is held before another container may take over. */
  readonly leaseSeconds: number;
  /** How long a caller with no usable token waits for another container's refresh. */
  readonly waitTimeoutMs: number;
  /** Tokens expired longer than this are removed by the cleanup. */
  readonly cleanupGraceSeconds: number;
}

export interface RateLimitSettings {
  /** Upstream requests allowed per window, fleet-wide, per key. */
  readonly maxRequests: number;
  readonly windowMs: number;
  /** `account`: one budget per Bluestakes account; `global`: one budget for everything. */
  readonly scope: RateLimitScope;
  /** Added to the window so network jitter between our decision and the upstream's clock cannot exceed it. */
  readonly safetyMarginMs: number;
  /** How long a denied caller waits for a slot before failing with RATE_LIMITED. */
  readonly maxWaitMs: number;
  /**
   * Calls per window one container allows itself per key while the database cannot be reached.
   * Default: a quarter of `maxRequests`, at least 1 (see docs/architecture.md, "Degraded mode").
   */
  readonly degradedMaxRequests?: number;
}

export interface LoginHoldSettings {
  /** After Bluestakes rejects a company's credentials, no login is tried for this long (or until they change). */
  readonly credentialsRejectedHoldSeconds: number;
  /** First back-off after an upstream failure; doubles per consecutive failure. */
  readonly failureBackoffBaseSeconds: number;
  readonly failureBackoffMaxSeconds: number;
}

export interface TokenManagerConfig {
  readonly database: DatabaseSettings;
  readonly bluestakesBaseUrl: string;
  readonly loginTimeoutMs: number;
  readonly requestTimeoutMs: number;
  /** Prefix of the per-company credential secrets: `<prefix>/companies/<id>/bluestakes`. */
  readonly credentialsSecretPrefix: string;
  /** Secret holding the token encryption keys. */
  readonly encryptionKeySecretId: string;
  readonly tokens: TokenSettings;
  readonly rateLimit: RateLimitSettings;
  readonly loginHold: LoginHoldSettings;
}

/** The database settings alone, for code that uses the Data API but no tokens (e.g. ticket consumers). */
export function readDatabaseSettings(env: Environment): DatabaseSettings {
  return {
    resourceArn: requiredString(env, 'DATABASE_RESOURCE_ARN'),
    secretArn: requiredString(env, 'DATABASE_SECRET_ARN'),
    database: optionalString(env, 'DATABASE_NAME', 'bluestakes'),
    resumeRetryBudgetMs: optionalInteger(
      env,
      'DATA_API_RESUME_BUDGET_MS',
      DEFAULT_DATA_API_RESUME_BUDGET_MS,
      { min: 0, max: 300_000 },
    ),
  };
}

/** Reads and validates every setting once; the error names the offending variable. */
export function readTokenManagerConfig(env: Environment): TokenManagerConfig {
  return {
    database: readDatabaseSettings(env),
    bluestakesBaseUrl: optionalUrl(env, 'BLUESTAKES_BASE_URL', DEFAULT_BLUESTAKES_BASE_URL),
    loginTimeoutMs: optionalInteger(env, 'BLUESTAKES_LOGIN_TIMEOUT_MS', 10_000, { min: 100, max: 60_000 }),
    requestTimeoutMs: optionalInteger(env, 'BLUESTAKES_REQUEST_TIMEOUT_MS', 15_000, {
      min: 100,
      max: 120_000,
    }),
    credentialsSecretPrefix: optionalString(
      env,
      'CREDENTIALS_SECRET_PREFIX',
      DEFAULT_CREDENTIALS_SECRET_PREFIX,
    ),
    encryptionKeySecretId: requiredString(env, 'TOKEN_ENCRYPTION_KEY_SECRET_ID'),
    tokens: {
      ttlSeconds: optionalInteger(env, 'TOKEN_TTL_SECONDS', DEFAULT_TOKEN_TTL_SECONDS, {
        min: 1,
        max: 86_400,
      }),
      refreshBeforeSeconds: optionalInteger(
        env,
        'TOKEN_REFRESH_BEFORE_SECONDS',
        DEFAULT_TOKEN_REFRESH_BEFORE_SECONDS,
        { min: 0, max: 3600 },
      ),
      refreshJitterSeconds: optionalInteger(env, 'TOKEN_REFRESH_JITTER_SECONDS', 30, { min: 0, max: 600 }),
      l1MaxStalenessMs: optionalInteger(env, 'TOKEN_L1_MAX_STALENESS_MS', 30_000, { min: 0, max: 600_000 }),
      leaseSeconds: optionalInteger(env, 'TOKEN_LEASE_SECONDS', 30, { min: 1, max: 600 }),
      waitTimeoutMs: optionalInteger(env, 'TOKEN_WAIT_TIMEOUT_MS', 10_000, { min: 0, max: 120_000 }),
      cleanupGraceSeconds: optionalInteger(env, 'TOKEN_CLEANUP_GRACE_SECONDS', 300, { min: 0, max: 86_400 }),
    },
    rateLimit: {
      maxRequests: optionalInteger(env, 'RATE_LIMIT_MAX_REQUESTS', DEFAULT_RATE_LIMIT_MAX_REQUESTS, {
        min: 1,
        max: 10_000,
      }),
      windowMs: optionalInteger(env, 'RATE_LIMIT_WINDOW_MS', DEFAULT_RATE_LIMIT_WINDOW_MS, {
        min: 100,
        max: 3_600_000,
      }),
      scope: optionalChoice(env, 'RATE_LIMIT_SCOPE', RATE_LIMIT_SCOPES, DEFAULT_RATE_LIMIT_SCOPE),
      safetyMarginMs: optionalInteger(env, 'RATE_LIMIT_SAFETY_MARGIN_MS', 500, { min: 0, max: 60_000 }),
      maxWaitMs: optionalInteger(env, 'RATE_LIMIT_MAX_WAIT_MS', DEFAULT_RATE_LIMIT_MAX_WAIT_MS, {
        min: 0,
        max: 300_000,
      }),
      degradedMaxRequests: optionalInteger(
        env,
        'RATE_LIMIT_DEGRADED_MAX_REQUESTS',
        Math.max(
          1,
          Math.floor(
            optionalInteger(env, 'RATE_LIMIT_MAX_REQUESTS', DEFAULT_RATE_LIMIT_MAX_REQUESTS, {
              min: 1,
              max: 10_000,
            }) / 4,
          ),
        ),
        { min: 1, max: 10_000 },
      ),
    },
    loginHold: {
      credentialsRejectedHoldSeconds: optionalInteger(env, 'LOGIN_REJECTED_HOLD_SECONDS', 21_600, {
        min: 1,
        max: 604_800,
      }),
      failureBackoffBaseSeconds: optionalInteger(env, 'LOGIN_FAILURE_BACKOFF_BASE_SECONDS', 5, {
        min: 0,
        max: 3600,
      }),
      failureBackoffMaxSeconds: optionalInteger(env, 'LOGIN_FAILURE_BACKOFF_MAX_SECONDS', 300, {
        min: 0,
        max: 86_400,
      }),
    },
  };
}
