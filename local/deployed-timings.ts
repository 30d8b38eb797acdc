import { API_GATEWAY_INTEGRATION_TIMEOUT_MS, DEFAULT_CONFIG, dataApiResumeBudgetMs } from '../lib/config';

const httpFunctionTimeoutMs = DEFAULT_CONFIG.functions.httpTimeoutSeconds * 1000;

/**
 * The time limits of a default deployment, which the local stack applies too: with the library's own
 * 45 s resume budget and a 29 s gateway, a long database resume was a 504 locally but a 503 with
 * Retry-After deployed. Taken from the CDK configuration, so they cannot drift apart.
 */
export const DEPLOYED_TIMINGS = {
  /** API Gateway's: past it the caller gets 504. */
  integrationTimeoutMs: API_GATEWAY_INTEGRATION_TIMEOUT_MS,
  /** The HTTP functions' Lambda timeout, seen through `context.getRemainingTimeInMillis()`. */
  httpFunctionTimeoutMs,
  /** `DATA_API_RESUME_BUDGET_MS` of the HTTP functions. */
  dataApiResumeBudgetMs: dataApiResumeBudgetMs(httpFunctionTimeoutMs),
} as const;
