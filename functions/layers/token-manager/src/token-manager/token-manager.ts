/**
 * The token manager's core: the public operations over the token protocol. It depends only on ports
 * (`TokenManagerPorts`: token store, upstream rate limiter, credentials store, keyring source,
 * Bluestakes client, clock, sleep, log and metrics sinks), never on an SDK client or a socket;
 * `wiring/token-manager-wiring.ts` builds the production adapters and calls `createTokenManagerCore`.
 *
 *   token-manager (this file)
 *     ├─► token-protocol: L1 cache, single flight, row read, lease, stale serve, waiting
 *     │     └─► lease-refresh: credentials, login, fenced write-back, login holds, token lifetime
 *     │           └─► account-siblings: adopt or hand on a token of the same Bluestakes account
 *     │         (all three seal and open tokens through token-sealing, over the keyring port)
 *     ├─► authenticated-request: the retry-once call policy around a request
 *     └─► token-status-view: the HTTP-shaped (snake_case) answers
 */
import type { BluestakesLogin } from '../bluestakes';
import type { TokenManagerConfig } from '../config';
import { type BluestakesCredentials, validateCredentials } from '../credentials/credentials-store';
import {
  CompanyDisabledError,
  CompanyNotFoundError,
  ConfigurationError,
  CredentialsRejectedError,
  InvalidInputError,
} from '../errors';
import type { TokenRow } from '../store';
import { bluestakesAccountKey, callContext } from './account-key';
import { createAuthenticatedRequest } from './authenticated-request';
import { parseCompanyId } from './company-id';
import { freshTokenWrite, loginLifetimeSeconds } from './token-lifetime';
import type { ProtocolContext, TokenManager, TokenManagerPorts } from './token-manager-types';
import { createTokenProtocol } from './token-protocol';
import {
  credentialsTestView,
  storeCredentialsView,
  tokenStatsView,
  tokenStatusView,
} from './token-status-view';

/** Refuses settings under which a slow login would let a second container take over the lease. */
export function validateTokenManagerConfig(config: TokenManagerConfig): void {
  const leaseMs = config.tokens.leaseSeconds * 1000;
  if (leaseMs <= config.rateLimit.maxWaitMs + config.loginTimeoutMs) {
    throw new ConfigurationError(
      'TOKEN_LEASE_SECONDS must exceed RATE_LIMIT_MAX_WAIT_MS + BLUESTAKES_LOGIN_TIMEOUT_MS, ' +
        'or a slow login would let a second container take over the lease and log in again',
    );
  }
}

export function createTokenManagerCore(ports: TokenManagerPorts): TokenManager {
  const { config, store, credentialsStore, limiter, client, log, metrics, now } = ports;
  validateTokenManagerConfig(config);
  const ctx: ProtocolContext = { ...ports, debug: log.isDebugEnabled?.() === true };
  const protocol = createTokenProtocol(ctx);
  const makeAuthenticatedRequest = createAuthenticatedRequest(ctx, protocol);

  async function directLogin(credentials: BluestakesCredentials): Promise<BluestakesLogin> {
    const login = await client.login(
      credentials.username,
      credentials.password,
      callContext(config.rateLimit.scope, bluestakesAccountKey(credentials.username)),
    );
    metrics.count('Login');
    return login;
  }

  async function requireCompany(companyId: string): Promise<TokenRow> {
    const row = await store.read(companyId);
    if (row === undefined) throw new CompanyNotFoundError(companyId);
    return row;
  }

  return {
    async getOrRefreshToken(companyIdInput) {
      return (await protocol.getToken(parseCompanyId(companyIdInput))).token;
    },

    async getBluestakesAuthToken(username, password, companyIdInput) {
      const credentials = validateCredentials({ username, password });
      if (companyIdInput === undefined) return (await directLogin(credentials)).token;
      return (await protocol.getToken(parseCompanyId(companyIdInput), credentials)).token;
    },

    async getBluestakesAuthTokenRaw(username, password) {
      return (await directLogin(validateCredentials({ username, password }))).token;
    },

    async makeAuthenticatedRequest(companyIdInput, request) {
      return makeAuthenticatedRequest(parseCompanyId(companyIdInput), request);
    },

    async storeToken(companyIdInput, token, ttlSeconds) {
      const companyId = parseCompanyId(companyIdInput);
      if (typeof token !== 'string' || token.trim() === '') {
        throw new InvalidInputError('token', 'token must be a non-empty string');
      }
      const row = await requireCompany(companyId);
      const lifetime = ttlSeconds ?? row.ttlOverrideSeconds ?? config.tokens.ttlSeconds;
      if (!Number.isFinite(lifetime) || lifetime <= 0) {
        throw new InvalidInputError('ttlSeconds', 'ttlSeconds must be a positive number');
      }
      const write = await freshTokenWrite(ctx, protocol.sealing, companyId, token, {
        accountKey: null,
        lifetimeSeconds: lifetime,
        elapsedSeconds: 0,
        event: 'token_stored',
      });
      const written = await store.storeToken(companyId, write);
      protocol.forget(companyId);
      return written !== undefined;
    },

    async isTokenValid(companyIdInput) {
      const row = await store.read(parseCompanyId(companyIdInput));
      return row !== undefined && row.encryptedToken !== null && (row.expiresInMs ?? 0) > 0;
    },

    async clearToken(companyIdInput) {
      const companyId = parseCompanyId(companyIdInput);
      protocol.forget(companyId);
      const cleared = await store.clear(companyId, 'cleared on request');
      // New callers must not join a refresh that started before the clear.
      protocol.abandonRefresh(companyId);
      protocol.forget(companyId);
      log.info('Token cleared', { companyId, companyFound: cleared });
      return cleared;
    },

    async cleanupExpiredTokens() {
      return store.cleanup({
        graceSeconds: config.tokens.cleanupGraceSeconds,
        auditRetentionDays: ports.auditRetentionDays,
        rateLimitIdleSeconds: Math.max(3_600, (config.rateLimit.windowMs / 1000) * 10),
      });
    },

    async getTokenStats() {
      const stats = await store.stats({ expiringSoonSeconds: config.tokens.refreshBeforeSeconds });
      const learned = (await limiter.learnedLimits?.()) ?? [];
      return tokenStatsView(stats, config.rateLimit.maxRequests, learned);
    },

    async getTokenStatus(companyIdInput) {
      const companyId = parseCompanyId(companyIdInput);
      return tokenStatusView(companyId, await requireCompany(companyId));
    },

    async storeCredentials(companyIdInput, input, { verify = true } = {}) {
      const companyId = parseCompanyId(companyIdInput);
      const credentials = validateCredentials(input);
      const company = await requireCompany(companyId);
      // Verifying is a login, which a disabled company does not get; storing alone is allowed.
      if (verify && !company.enabled) throw new CompanyDisabledError(companyId);
      const accountKey = bluestakesAccountKey(credentials.username);
      // Read before the verification login, which revokes their tokens upstream: they get its token.
      const siblings = verify ? await protocol.siblings.find(companyId, accountKey) : [];
      const startedAt = now();
      const login = verify ? await directLogin(credentials) : undefined;
      await credentialsStore.write(companyId, credentials);
      await store.markCredentialsChanged(companyId, accountKey);
      protocol.forgetCredentials(companyId);
      protocol.forget(companyId);
      // A refresh in flight here started with the old credentials: new callers must not join it.
      protocol.abandonRefresh(companyId);
      let tokenCached = false;
      if (login !== undefined) {
        const lifetime = loginLifetimeSeconds(ctx, companyId, login, startedAt, company.ttlOverrideSeconds);
        const write = await freshTokenWrite(ctx, protocol.sealing, companyId, login.token, {
          accountKey,
          lifetimeSeconds: lifetime,
          elapsedSeconds: 0,
          event: 'credentials_stored',
        });
        tokenCached = (await store.storeToken(companyId, write)) !== undefined;
        if (tokenCached) await protocol.siblings.share(companyId, siblings, login, write);
      }
      log.info('Credentials stored', { companyId, verified: verify, tokenCached });
      return storeCredentialsView(companyId, credentials.username, verify, tokenCached);
    },

    async testCredentials(input) {
      const credentials = validateCredentials(input);
      try {
        return credentialsTestView(credentials.username, await directLogin(credentials));
      } catch (error) {
        if (error instanceof CredentialsRejectedError)
          return credentialsTestView(credentials.username, undefined);
        throw error;
      }
    },
  };
}
