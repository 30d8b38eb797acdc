export { parseCompanyId } from './company-id';
export {
  cleanupExpiredTokens,
  clearToken,
  getBluestakesAuthToken,
  getBluestakesAuthTokenRaw,
  getDefaultTokenManager,
  getOrRefreshToken,
  getTokenStats,
  getTokenStatus,
  isTokenValid,
  makeAuthenticatedRequest,
  setDefaultTokenManager,
  storeCredentials,
  storeToken,
  testCredentials,
} from './default-instance';
export {
  type AuthenticatedBluestakes,
  bluestakesAccountKey,
  createTokenManager,
  type TokenManager,
  type TokenManagerOptions,
} from './token-manager';
export type {
  CleanupReport,
  CredentialsTestResult,
  StoreCredentialsResult,
  TokenStatus,
} from './token-manager-types';
