/**
 * The library's defaults as plain constants. This module imports nothing, so CDK code and tools can
 * read the same defaults the Lambda functions run with without loading the runtime (Powertools, SDK).
 */

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
