/**
 * Values the deployment shares with the runtime. This module imports nothing, so CDK code can read
 * them during synth without loading Powertools or the AWS SDK (the `/constants` subpath).
 */

/** Powertools' `service`: the default dimension of every metric and a field of every log line. */
export const SERVICE_NAME = 'bluestakes-token-service';

/** Where the library's EMF metrics land. */
export const METRICS_NAMESPACE = 'BluestakesTokenService';

/**
 * The marker a deployment writes into the key secret before the first keyring exists (CloudFormation
 * cannot generate the keyring JSON itself). Only this exact marker is ever replaced.
 */
export const KEYRING_PLACEHOLDER = { field: 'keyringStatus', value: 'uninitialized' } as const;

// The library's defaults: its env readers fall back to these, and the CDK app deploys them when its
// context leaves a setting unset.

export const DEFAULT_BLUESTAKES_BASE_URL = 'https://newtin-api.bluestakes.org';
export const DEFAULT_CREDENTIALS_SECRET_PREFIX = 'bluestakes-token-service';

/** `TOKEN_TTL_SECONDS`: a token's lifetime when its JWT carries no earlier `exp`. */
export const DEFAULT_TOKEN_TTL_SECONDS = 3600;
/** `TOKEN_REFRESH_BEFORE_SECONDS`: a token is refreshed this long before it expires. */
export const DEFAULT_TOKEN_REFRESH_BEFORE_SECONDS = 300;

/** `RATE_LIMIT_MAX_REQUESTS`: upstream calls per window, the only figure Blue Stakes publishes. */
export const DEFAULT_RATE_LIMIT_MAX_REQUESTS = 10;
/** `RATE_LIMIT_WINDOW_MS`. */
export const DEFAULT_RATE_LIMIT_WINDOW_MS = 60_000;
/** `RATE_LIMIT_SCOPE`: one budget per Bluestakes account, or one for everything. */
export const RATE_LIMIT_SCOPES = ['account', 'global'] as const;
export type RateLimitScope = (typeof RATE_LIMIT_SCOPES)[number];
export const DEFAULT_RATE_LIMIT_SCOPE: RateLimitScope = 'account';
/** `RATE_LIMIT_MAX_WAIT_MS`: how long a denied caller waits for a slot. */
export const DEFAULT_RATE_LIMIT_MAX_WAIT_MS = 10_000;

/** `DATA_API_RESUME_BUDGET_MS`: how long one Data API call keeps retrying while the cluster resumes. */
export const DEFAULT_DATA_API_RESUME_BUDGET_MS = 45_000;
