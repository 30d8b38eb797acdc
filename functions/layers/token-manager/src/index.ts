/**
 * The library's public API: what any team's Lambda may rely on, release after release. Everything
 * else is on `/internal` (this repository only), `/testing` (test seams) or `/constants` (CDK).
 */

export {
  type GeoJsonObject,
  type SecondaryFunctions,
  type Ticket,
  type TicketResponse,
  type TicketSearchPage,
  type TicketSearchPageQuery,
  type TicketSearchQuery,
  type TicketSummary,
  tokenFingerprint,
} from './bluestakes';
export { type Environment, readTokenManagerConfig, type TokenManagerConfig } from './config';
export type { BluestakesCredentials } from './credentials';
export {
  CompanyDisabledError,
  CompanyEnabledError,
  CompanyNameTakenError,
  CompanyNotFoundError,
  ConfigurationError,
  CredentialsNotFoundError,
  CredentialsRejectedError,
  DatabaseError,
  DatabaseUnavailableError,
  InvalidInputError,
  LoginHeldError,
  MigrationError,
  RateLimitExceededError,
  SecretsUnavailableError,
  TokenDecryptionError,
  TokenRejectedError,
  TokenServiceError,
  type TokenServiceErrorCode,
  TokenUnavailableError,
  UpstreamBadResponseError,
  UpstreamNotFoundError,
  UpstreamRateLimitedError,
  UpstreamUnavailableError,
} from './errors';
export { type LogSink, logger, type MetricsSink, metrics, type TokenMetricName } from './observability';
export type { TokenStats } from './store';
export {
  type AuthenticatedBluestakes,
  type CleanupReport,
  type CredentialsTestResult,
  cleanupExpiredTokens,
  clearToken,
  createTokenManager,
  getBluestakesAuthToken,
  getBluestakesAuthTokenRaw,
  getDefaultTokenManager,
  getOrRefreshToken,
  getTokenStats,
  getTokenStatus,
  isTokenValid,
  makeAuthenticatedRequest,
  type StoreCredentialsResult,
  storeCredentials,
  storeToken,
  type TokenManager,
  type TokenManagerOptions,
  type TokenStatus,
  testCredentials,
} from './token-manager';
