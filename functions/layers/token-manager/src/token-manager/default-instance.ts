import { readTokenManagerConfig } from '../config';
import { createTokenManager } from '../wiring/token-manager-wiring';
import type { TokenManager } from './token-manager-types';

let defaultInstance: TokenManager | undefined;

/** The container's token manager, configured once from the environment on first use. */
export function getDefaultTokenManager(): TokenManager {
  defaultInstance ??= createTokenManager({ config: readTokenManagerConfig(process.env) });
  return defaultInstance;
}

/** Replaces the default instance (tests, the local stack). */
export function setDefaultTokenManager(manager: TokenManager | undefined): void {
  defaultInstance = manager;
}

type Method<K extends keyof TokenManager> = TokenManager[K];

export const getOrRefreshToken: Method<'getOrRefreshToken'> = (companyId) =>
  getDefaultTokenManager().getOrRefreshToken(companyId);
export const getBluestakesAuthToken: Method<'getBluestakesAuthToken'> = (username, password, companyId) =>
  getDefaultTokenManager().getBluestakesAuthToken(username, password, companyId);
export const getBluestakesAuthTokenRaw: Method<'getBluestakesAuthTokenRaw'> = (username, password) =>
  getDefaultTokenManager().getBluestakesAuthTokenRaw(username, password);
export const makeAuthenticatedRequest: Method<'makeAuthenticatedRequest'> = (companyId, request) =>
  getDefaultTokenManager().makeAuthenticatedRequest(companyId, request);
export const storeToken: Method<'storeToken'> = (companyId, token, ttlSeconds) =>
  getDefaultTokenManager().storeToken(companyId, token, ttlSeconds);
export const isTokenValid: Method<'isTokenValid'> = (companyId) =>
  getDefaultTokenManager().isTokenValid(companyId);
export const clearToken: Method<'clearToken'> = (companyId) => getDefaultTokenManager().clearToken(companyId);
export const cleanupExpiredTokens: Method<'cleanupExpiredTokens'> = () =>
  getDefaultTokenManager().cleanupExpiredTokens();
export const getTokenStats: Method<'getTokenStats'> = () => getDefaultTokenManager().getTokenStats();
export const getTokenStatus: Method<'getTokenStatus'> = (companyId) =>
  getDefaultTokenManager().getTokenStatus(companyId);
export const storeCredentials: Method<'storeCredentials'> = (companyId, credentials, options) =>
  getDefaultTokenManager().storeCredentials(companyId, credentials, options);
export const testCredentials: Method<'testCredentials'> = (credentials) =>
  getDefaultTokenManager().testCredentials(credentials);
