export { createTokenManager, type TokenManagerOptions } from '../wiring/token-manager-wiring';
export { bluestakesAccountKey } from './account-key';
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
export { createTokenManagerCore } from './token-manager';
export type { AuthenticatedBluestakes, TokenManager, TokenManagerPorts } from './token-manager-types';
export type {
  CleanupReport,
  CredentialsTestResult,
  StoreCredentialsResult,
  TokenStatus,
} from './token-status-view';
