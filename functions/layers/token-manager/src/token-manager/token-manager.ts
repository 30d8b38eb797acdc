import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { RDSDataClient } from '@aws-sdk/client-rds-data';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Dispatcher } from 'undici';
import {
  type BluestakesCallContext,
  type BluestakesClient,
  type BluestakesLogin,
  createBluestakesClient,
  type SecondaryFunctions,
  type Ticket,
  type TicketResponse,
  type TicketSearchPage,
  type TicketSearchPageQuery,
  type TicketSearchQuery,
  type TicketSummary,
  tokenFingerprint,
} from '../bluestakes';
import type { TokenManagerConfig } from '../config';
import {
  type BluestakesCredentials,
  type CredentialsStore,
  createSecretsManagerCredentialsStore,
  validateCredentials,
} from '../credentials';
import {
  createSecretsManagerKeyringSource,
  decryptToken,
  encryptToken,
  isEncryptedToken,
  type KeyringSource,
} from '../crypto';
import { createDataApiExecutor, type SqlExecutor } from '../data-api';
import {
  CompanyDisabledError,
  CompanyNotFoundError,
  ConfigurationError,
  CredentialsNotFoundError,
  CredentialsRejectedError,
  DatabaseError,
  DatabaseUnavailableError,
  InvalidInputError,
  LoginHeldError,
  RateLimitExceededError,
  SecretsUnavailableError,
  TokenDecryptionError,
  TokenRejectedError,
  TokenServiceError,
  TokenUnavailableError,
  UpstreamRateLimitedError,
} from '../errors';
import { type LogSink, type MetricsSink, powertoolsLogSink, powertoolsMetricsSink } from '../observability';
import { createDataApiRateLimiter, type UpstreamRateLimiter } from '../rate-limit';
import { TokenSupersededError } from '../rate-limit/token-superseded-error';
import {
  createDataApiTokenStore,
  type Lease,
  type LoginHoldReason,
  type TokenRow,
  type TokenStats,
  type TokenStore,
  type TokenWrite,
} from '../store';
import { parseCompanyId } from './company-id';
import { L1Cache, type L1Entry } from './l1-cache';
import type {
  CleanupReport,
  CredentialsTestResult,
  StoreCredentialsResult,
  TokenStatus,
} from './token-manager-types';

/** What `makeAuthenticatedRequest` hands the request: Bluestakes calls bound to the company's token. */
export interface AuthenticatedBluestakes {
  /** The bearer token (for calls the typed client does not cover). Never log it. */
  readonly token: string;
  searchTickets(query: TicketSearchQuery): Promise<TicketSummary[]>;
  searchTicketsPage(query: TicketSearchPageQuery): Promise<TicketSearchPage>;
  getTicket(ticketNumber: string, options?: { revision?: string }): Promise<Ticket>;
  getTicketResponses(ticketNumber: string): Promise<TicketResponse[]>;
  getSecondaryFunctions(ticketNumber: string): Promise<SecondaryFunctions>;
}

export interface TokenManagerOptions {
  readonly config: TokenManagerConfig;
  /** Defaults to the Data API store over `executor`. */
  readonly store?: TokenStore;
  /** Defaults to a Data API executor over `rdsDataClient`. */
  readonly executor?: SqlExecutor;
  readonly rdsDataClient?: RDSDataClient;
  readonly secretsManagerClient?: SecretsManagerClient;
  readonly credentialsStore?: CredentialsStore;
  readonly keyringSource?: KeyringSource;
  readonly bluestakesClient?: BluestakesClient;
  /** undici dispatcher for the default Bluestakes client (tests pass a MockAgent). */
  readonly dispatcher?: Dispatcher;
  readonly rateLimiter?: UpstreamRateLimiter;
  readonly logger?: LogSink;
  readonly metrics?: MetricsSink;
  /** Local clock for the in-process cache (ms). Expiry decisions use the database clock. */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  /** Identifies this container as lease owner (logs and status). */
  readonly instanceId?: string;
  /** A 403 on a token younger than this is a permission error, not an expired token. Default 60 s. */
  readonly forbiddenGraceMs?: number;
  /** How long audit events are kept by the cleanup. Default 30 days. */
  readonly auditRetentionDays?: number;
}

/** A token manager: one per container (module-level functions use a default one built from env). */
export interface TokenManager {
  /** A valid bearer token for the company: in-process cache, then the database, then one fleet-wide login. */
  getOrRefreshToken(companyId: string | number): Promise<string>;
  /** With `companyId`: cached like `getOrRefreshToken`, logging in with these credentials when needed. Without: a direct login. */
  getBluestakesAuthToken(username: string, password: string, companyId?: string | number): Promise<string>;
  /** A direct login, no cache (still counted by the fleet-wide rate limiter). */
  getBluestakesAuthTokenRaw(username: string, password: string): Promise<string>;
  /**
   * Runs `request` with the company's token. On 401 (or 403 on a token older than the grace period)
   * it invalidates exactly that token version, gets a fresh one and retries once. On 429 it pauses the
   * account fleet-wide for Retry-After and retries once when that fits `RATE_LIMIT_MAX_WAIT_MS`.
   * Never loops. `request` may run more than once, so it should only read.
   */
  makeAuthenticatedRequest<T>(
    companyId: string | number,
    request: (api: AuthenticatedBluestakes) => Promise<T>,
  ): Promise<T>;
  /** Stores a token obtained elsewhere; the TTL defaults to the configured one (or the company's override). */
  storeToken(companyId: string | number, token: string, ttlSeconds?: number): Promise<boolean>;
  /** True when the company has a cached, unexpired token. Reads only; never mutates. */
  isTokenValid(companyId: string | number): Promise<boolean>;
  /** Clears the company's token fleet-wide (other containers within the L1 staleness bound). False: unknown company. */
  clearToken(companyId: string | number): Promise<boolean>;
  cleanupExpiredTokens(): Promise<CleanupReport>;
  getTokenStats(): Promise<TokenStats>;
  getTokenStatus(companyId: string | number): Promise<TokenStatus>;
  storeCredentials(
    companyId: string | number,
    credentials: BluestakesCredentials,
    options?: { verify?: boolean },
  ): Promise<StoreCredentialsResult>;
  testCredentials(credentials: BluestakesCredentials): Promise<CredentialsTestResult>;
}

/** A token ready to use, with what is needed to invalidate exactly it and to judge its age. */
type ResolvedToken = L1Entry;

/** Upstream clock differences above this are logged and counted. */
const CLOCK_SKEW_REPORT_MS = 5_000;
/** A JWT lifetime judged on our clock alone (no iat, no Date header) is never taken below this. */
const MIN_UNVERIFIED_LIFETIME_SECONDS = 60;
/** While the database does not answer, a container re-checks its in-process token this often (on calls). */
const OUTAGE_RECHECK_MS = 1_000;
/** Logins whose write-back found the fence moved, per call, before giving up with TOKEN_UNAVAILABLE. */
const MAX_LOST_WRITES = 2;
/** Times one call fetches the current token after the limiter found its token replaced. */
const MAX_SUPERSEDED_RETRIES = 2;

/** A non-reversible key for one Bluestakes account, so usernames never land in the rate-limit table. */
export function bluestakesAccountKey(username: string): string {
  return createHash('sha256').update(username.trim().toLowerCase()).digest('hex').slice(0, 16);
}

function validateConfig(config: TokenManagerConfig): void {
  const leaseMs = config.tokens.leaseSeconds * 1000;
  if (leaseMs <= config.rateLimit.maxWaitMs + config.loginTimeoutMs) {
    throw new ConfigurationError(
      'TOKEN_LEASE_SECONDS must exceed RATE_LIMIT_MAX_WAIT_MS + BLUESTAKES_LOGIN_TIMEOUT_MS, ' +
        'or a slow login would let a second container take over the lease and log in again',
    );
  }
}

export function createTokenManager(options: TokenManagerOptions): TokenManager {
  const { config } = options;
  validateConfig(config);
  const now = options.now ?? (() => performance.timeOrigin + performance.now());
  const sleep = options.sleep ?? delay;
  const random = options.random ?? Math.random;
  const log = options.logger ?? powertoolsLogSink;
  const metrics = options.metrics ?? powertoolsMetricsSink;
  const instanceId = options.instanceId ?? `tm-${randomUUID()}`;
  const forbiddenGraceMs = options.forbiddenGraceMs ?? 60_000;
  const auditRetentionDays = options.auditRetentionDays ?? 30;
  // Read once: the L1 hit path pays one boolean test, not a call, when debug logging is off.
  const debug = log.isDebugEnabled?.() === true;

  const executor =
    options.executor ??
    createDataApiExecutor({
      ...config.database,
      retryBudgetMs: config.database.resumeRetryBudgetMs,
      ...(options.rdsDataClient === undefined ? {} : { client: options.rdsDataClient }),
      onRetry: ({ attempt, errorName }) => {
        metrics.count('DataApiRetry');
        log.warn('Retrying a Data API call', { attempt, errorName });
      },
    });
  const store = options.store ?? createDataApiTokenStore(executor);
  const secretsClient = options.secretsManagerClient ?? new SecretsManagerClient({});
  const credentialsStore =
    options.credentialsStore ??
    createSecretsManagerCredentialsStore({
      client: secretsClient,
      secretPrefix: config.credentialsSecretPrefix,
    });
  const keyring =
    options.keyringSource ??
    createSecretsManagerKeyringSource({ client: secretsClient, secretId: config.encryptionKeySecretId });
  const limiter =
    options.rateLimiter ??
    createDataApiRateLimiter({
      executor,
      maxRequests: config.rateLimit.maxRequests,
      windowMs: config.rateLimit.windowMs + config.rateLimit.safetyMarginMs,
      maxWaitMs: config.rateLimit.maxWaitMs,
      ...(config.rateLimit.degradedMaxRequests === undefined
        ? {}
        : { degradedMaxRequests: config.rateLimit.degradedMaxRequests }),
      onWait: () => metrics.count('RateLimitWait'),
      onDegraded: ({ key, error }) => {
        metrics.count('RateLimitDegraded');
        if (debug)
          log.debug('Rate limit: database unreachable, per-container budget', { key, error: error.code });
      },
    });
  const client =
    options.bluestakesClient ??
    createBluestakesClient({
      baseUrl: config.bluestakesBaseUrl,
      loginTimeoutMs: config.loginTimeoutMs,
      requestTimeoutMs: config.requestTimeoutMs,
      ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
      beforeRequest: ({ context }) =>
        limiter.acquire(
          context.rateLimitKey ?? 'global',
          context.tokenInUse === undefined ? {} : { token: context.tokenInUse },
        ),
    });

  const l1 = new L1Cache(config.tokens.l1MaxStalenessMs);
  const inFlight = new Map<string, Promise<ResolvedToken>>();
  const credentialsCache = new Map<string, { version: string; credentials: BluestakesCredentials }>();

  function rateLimitKey(accountKey: string | null): string {
    return config.rateLimit.scope === 'global' || accountKey === null ? 'global' : `account:${accountKey}`;
  }

  function context(accountKey: string | null): BluestakesCallContext {
    return { rateLimitKey: rateLimitKey(accountKey) };
  }

  async function decrypt(companyId: string, row: TokenRow): Promise<string | undefined> {
    const stored = row.encryptedToken;
    if (stored === null || !isEncryptedToken(stored)) return undefined;
    const binding = { companyId, version: row.version };
    try {
      return decryptToken(await keyring.get(), stored, binding);
    } catch (error) {
      if (!(error instanceof TokenDecryptionError)) throw error;
      // A key added by a rotation after this container loaded the keyring: re-read once.
      try {
        return decryptToken(await keyring.get({ refresh: true }), stored, binding);
      } catch (retryError) {
        if (!(retryError instanceof TokenDecryptionError)) throw retryError;
        log.error('A stored token could not be decrypted; treating it as missing', {
          companyId,
          version: row.version,
          reason: retryError.message,
        });
        return undefined;
      }
    }
  }

  /** An L1 entry on this container's clock, from durations measured on the database clock. */
  function entry(
    token: string,
    version: string,
    accountKey: string | null,
    durations: { refreshInMs: number; expiresInMs: number; issuedAgoMs: number },
  ): L1Entry {
    const at = now();
    return {
      token,
      version,
      accountKey,
      refreshAt: at + durations.refreshInMs,
      expiresAt: at + durations.expiresInMs,
      checkedAt: at,
      issuedAgoMs: durations.issuedAgoMs,
    };
  }

  function remember(companyId: string, row: TokenRow, token: string, staleServe: boolean): ResolvedToken {
    const expiresInMs = row.expiresInMs ?? 0;
    // A stale serve is re-checked within a second so the new version is picked up as soon as it lands.
    const refreshInMs = staleServe ? Math.min(1_000, expiresInMs) : (row.refreshInMs ?? 0);
    const remembered = entry(token, row.version, row.accountKey, {
      refreshInMs,
      expiresInMs,
      issuedAgoMs: row.issuedAgoMs ?? 0,
    });
    l1.set(companyId, remembered);
    return remembered;
  }

  async function loadCredentials(companyId: string, lease: Lease): Promise<BluestakesCredentials> {
    const cached = credentialsCache.get(companyId);
    if (cached !== undefined && cached.version === lease.credentialsVersion) return cached.credentials;
    const credentials = await credentialsStore.read(companyId);
    credentialsCache.set(companyId, { version: lease.credentialsVersion, credentials });
    return credentials;
  }

  /**
   * How long a fresh login's token is used. The JWT's own expiry wins when earlier, judged on the
   * upstream's clock (exp - iat, else exp - the reply's Date header), so an upstream clock hours behind
   * ours cannot shrink it; only without either is our clock used, and then never below a floor.
   */
  function lifetimeSeconds(
    companyId: string | undefined,
    login: BluestakesLogin,
    startedAt: number,
    ttlOverride: number | null,
  ): number {
    const ttl = ttlOverride ?? config.tokens.ttlSeconds;
    const wallNow = Date.now();
    const upstreamNow = login.serverDate ?? login.issuedAt;
    if (upstreamNow !== undefined) {
      const skewMs = wallNow - upstreamNow.getTime();
      // The Date header and iat have second precision and the login took a while: report real skew only.
      if (Math.abs(skewMs) > CLOCK_SKEW_REPORT_MS + (now() - startedAt)) {
        metrics.count('UpstreamClockSkew');
        log.warn('The Bluestakes clock differs from ours', {
          companyId,
          skewMs,
          source: login.serverDate === undefined ? 'jwt_iat' : 'date_header',
        });
      }
    }
    if (login.expiresAt === undefined) return ttl;
    const exp = login.expiresAt.getTime();
    if (login.issuedAt !== undefined) {
      // iat is rounded down to the second: one second off keeps it conservative.
      return Math.max(1, Math.min(ttl, (exp - login.issuedAt.getTime()) / 1000 - 1));
    }
    if (login.serverDate !== undefined) {
      return Math.max(1, Math.min(ttl, (exp - login.serverDate.getTime()) / 1000 - 1));
    }
    // Our clock alone: measured from when we asked, to stay conservative, but never below the floor.
    const remaining = (exp - wallNow) / 1000 + (now() - startedAt) / 1000;
    return Math.min(ttl, Math.max(remaining, Math.min(ttl, MIN_UNVERIFIED_LIFETIME_SECONDS)));
  }

  async function encryptedWrite(
    companyId: string,
    token: string,
    accountKey: string | null,
    lifetime: number,
    elapsedSeconds: number,
    event: TokenWrite['event'],
  ): Promise<TokenWrite> {
    const ring = await keyring.get();
    // Never more than half the lifetime, so short-lived tokens are still used before being refreshed.
    const refreshLeadSeconds = Math.min(
      config.tokens.refreshBeforeSeconds + random() * config.tokens.refreshJitterSeconds,
      lifetime / 2,
    );
    return {
      encryptFor: (version) => encryptToken(ring, token, { companyId, version }),
      fingerprint: tokenFingerprint(token),
      accountKey,
      lifetimeSeconds: lifetime,
      refreshLeadSeconds,
      elapsedSeconds,
      event,
    };
  }

  /** How a failed login holds further logins; undefined when the company is not at fault. */
  function holdFor(error: unknown): { reason: LoginHoldReason; holdSeconds: number } | undefined {
    const { loginHold } = config;
    if (error instanceof CredentialsRejectedError) {
      return { reason: 'credentials_rejected', holdSeconds: loginHold.credentialsRejectedHoldSeconds };
    }
    if (error instanceof CredentialsNotFoundError) {
      return { reason: 'credentials_missing', holdSeconds: loginHold.failureBackoffMaxSeconds };
    }
    if (
      error instanceof UpstreamRateLimitedError ||
      error instanceof RateLimitExceededError ||
      error instanceof DatabaseUnavailableError ||
      error instanceof DatabaseError ||
      error instanceof SecretsUnavailableError ||
      error instanceof TokenDecryptionError
    ) {
      // Nothing is wrong with the company's login: the pause, the database or secrets are the problem.
      return undefined;
    }
    // Upstream failures, and anything unexpected (a bug, a reply nobody foresaw): back off
    // exponentially, fleet-wide, so a fault that repeats costs one login per hold, never one per call.
    // The hold grows in SQL; holdSeconds is not used for this reason.
    return { reason: 'upstream_failing', holdSeconds: loginHold.failureBackoffMaxSeconds };
  }

  async function failLogin(companyId: string, lease: Lease, error: unknown): Promise<void> {
    const hold = holdFor(error);
    if (hold === undefined) {
      // Rate limited, database or secrets trouble: nothing is wrong with the company; let another try soon.
      await store.releaseLease(companyId, lease);
      return;
    }
    metrics.count('LoginFailure');
    await store.recordLoginFailure(companyId, lease, {
      ...hold,
      backoffBaseSeconds: config.loginHold.failureBackoffBaseSeconds,
      backoffMaxSeconds: config.loginHold.failureBackoffMaxSeconds,
      detail: error instanceof Error ? error.message : 'login failed',
    });
  }

  async function refreshUnderLease(
    companyId: string,
    lease: Lease,
    row: TokenRow,
    override: BluestakesCredentials | undefined,
  ): Promise<ResolvedToken | undefined> {
    const startedAt = now();

    let login: BluestakesLogin;
    // Known before the first login only once credentials were stored; the login's own account wins.
    let accountKey: string | null = row.accountKey;
    let siblings: TokenRow[] = [];
    try {
      const credentials = override ?? (await loadCredentials(companyId, lease));
      accountKey = bluestakesAccountKey(credentials.username);
      siblings = await accountSiblings(companyId, accountKey);
      const adopted = await adoptSiblingToken(companyId, lease, accountKey, siblings);
      if (adopted !== undefined) return adopted.token;
      login = await client.login(credentials.username, credentials.password, context(accountKey));
    } catch (error) {
      // Not `message`: Powertools reserves that key for the log line's own text and drops ours.
      log.warn('Login under lease failed', {
        companyId,
        errorCode: error instanceof TokenServiceError ? error.code : 'UNEXPECTED',
        errorMessage: error instanceof Error ? error.message : String(error),
      });
      if (error instanceof UpstreamRateLimitedError) {
        metrics.count('Upstream429');
        // Best effort: neither may keep failLogin below from releasing the lease.
        await limiter
          .block(rateLimitKey(accountKey), error.retryAfterMs ?? config.rateLimit.windowMs, { learn: true })
          .catch(() => undefined);
        await store
          .recordEvent(companyId, 'upstream_rate_limited', 'login answered 429')
          .catch(() => undefined);
      }
      await failLogin(companyId, lease, error).catch((recordError: unknown) =>
        log.error('Could not record the login failure', {
          companyId,
          errorMessage: recordError instanceof Error ? recordError.message : String(recordError),
        }),
      );
      credentialsCache.delete(companyId);
      throw error;
    }
    metrics.count('Login');
    const elapsedSeconds = (now() - startedAt) / 1000;
    const lifetime = lifetimeSeconds(companyId, login, startedAt, lease.ttlOverrideSeconds);
    const write = await encryptedWrite(companyId, login.token, accountKey, lifetime, elapsedSeconds, 'login');
    const written = await store.writeToken(companyId, lease, write);
    log.info('Logged in to Bluestakes', {
      companyId,
      fingerprint: write.fingerprint,
      lifetimeSeconds: Math.round(lifetime),
      leaseKept: written !== undefined,
    });
    if (written === undefined) {
      // The fence moved while we logged in: the token was cleared, the credentials changed or the
      // lease was taken over. This token may be from old credentials: never hand it out; the caller
      // reads the row again and gets whatever replaced it.
      metrics.count('LeaseLost');
      if (debug) log.debug('Cache: lease lost during login; re-reading', { companyId });
      return undefined;
    }
    const fresh = entry(login.token, written.version, accountKey, {
      refreshInMs: written.refreshInMs,
      expiresInMs: written.expiresInMs,
      issuedAgoMs: elapsedSeconds * 1000,
    });
    l1.set(companyId, fresh);
    await shareWithSiblings(companyId, siblings, login, write);
    return fresh;
  }

  /** Companies on the same Bluestakes account; best effort (none when the store cannot tell). */
  async function accountSiblings(companyId: string, accountKey: string): Promise<TokenRow[]> {
    if (store.accountSiblings === undefined) return [];
    try {
      return await store.accountSiblings(companyId, accountKey);
    } catch (error) {
      log.warn('Could not look up companies sharing the Bluestakes account', {
        companyId,
        errorCode: error instanceof TokenServiceError ? error.code : 'UNEXPECTED',
      });
      return [];
    }
  }

  /**
   * A sibling on the same account already holds a token that is not due: use it instead of logging
   * in (a login would revoke it). Undefined when there is none; `{ token: undefined }` when the lease
   * was lost meanwhile.
   */
  async function adoptSiblingToken(
    companyId: string,
    lease: Lease,
    accountKey: string,
    siblings: readonly TokenRow[],
  ): Promise<{ token: ResolvedToken | undefined } | undefined> {
    for (const sibling of siblings) {
      if ((sibling.refreshInMs ?? 0) <= 0 || (sibling.expiresInMs ?? 0) <= 0) continue;
      const token = await decrypt(sibling.companyId, sibling);
      if (token === undefined) continue;
      const issuedAgoSeconds = Math.max(0, (sibling.issuedAgoMs ?? 0) / 1000);
      const expiresInSeconds = (sibling.expiresInMs ?? 0) / 1000;
      const ring = await keyring.get();
      const write: TokenWrite = {
        encryptFor: (version) => encryptToken(ring, token, { companyId, version }),
        fingerprint: tokenFingerprint(token),
        accountKey,
        lifetimeSeconds: issuedAgoSeconds + expiresInSeconds,
        refreshLeadSeconds: expiresInSeconds - (sibling.refreshInMs ?? 0) / 1000,
        elapsedSeconds: issuedAgoSeconds,
        event: 'token_shared',
      };
      const written = await store.writeToken(companyId, lease, write);
      metrics.count('TokenShared');
      log.info('Using the token of a company on the same Bluestakes account', {
        companyId,
        fromCompanyId: sibling.companyId,
        fingerprint: write.fingerprint,
        leaseKept: written !== undefined,
      });
      if (written === undefined) return { token: undefined };
      const shared = entry(token, written.version, accountKey, {
        refreshInMs: written.refreshInMs,
        expiresInMs: written.expiresInMs,
        issuedAgoMs: sibling.issuedAgoMs ?? 0,
      });
      l1.set(companyId, shared);
      return { token: shared };
    }
    return undefined;
  }

  /**
   * Hands a fresh login to the companies on the same account (it has just revoked their tokens
   * upstream), each only if its row did not move since it was read before the login. Best effort.
   */
  async function shareWithSiblings(
    companyId: string,
    siblings: readonly TokenRow[],
    login: BluestakesLogin,
    write: TokenWrite,
  ): Promise<void> {
    if (store.shareToken === undefined) return;
    const ring = await keyring.get();
    for (const sibling of siblings) {
      try {
        const written = await store.shareToken(sibling.companyId, sibling.version, {
          ...write,
          encryptFor: (version) => encryptToken(ring, login.token, { companyId: sibling.companyId, version }),
          event: 'token_shared',
        });
        l1.delete(sibling.companyId);
        if (written !== undefined) metrics.count('TokenShared');
      } catch (error) {
        log.warn('Could not share a login with a company on the same Bluestakes account', {
          companyId,
          siblingCompanyId: sibling.companyId,
          errorCode: error instanceof TokenServiceError ? error.code : 'UNEXPECTED',
        });
      }
    }
  }

  function heldError(companyId: string, row: TokenRow): TokenServiceError {
    const retryAfterMs = Math.max(0, row.holdRemainingMs ?? 0);
    if (row.holdReason === 'credentials_missing')
      return new CredentialsNotFoundError(companyId, { retryAfterMs });
    return new LoginHeldError(
      companyId,
      row.holdReason === 'credentials_rejected' ? 'credentials_rejected' : 'upstream_failing',
      {
        retryAfterMs,
      },
    );
  }

  /** Serves the in-process token while the database cannot be reached, and re-checks it again soon. */
  function serveThroughOutage(companyId: string, usable: ResolvedToken, error: unknown): ResolvedToken {
    metrics.count('DegradedServe');
    const at = now();
    const recheckAt = Math.min(usable.expiresAt, at + OUTAGE_RECHECK_MS);
    if (debug) {
      log.debug('Cache: database unreachable, serving the in-process token', {
        companyId,
        version: usable.version,
        errorCode: error instanceof TokenServiceError ? error.code : 'UNEXPECTED',
        recheckInMs: recheckAt - at,
      });
    }
    const served = {
      ...usable,
      refreshAt: recheckAt,
      checkedAt: at,
      issuedAgoMs: usable.issuedAgoMs + (at - usable.checkedAt),
    };
    l1.set(companyId, served);
    return served;
  }

  /**
   * The L2 path: read the row, use it, or take the lease and log in, or wait for another container.
   * `fallback` is this container's still-valid token: while it exists the first read is one attempt,
   * and a database that does not answer means serving it, not waiting out the retry budget.
   */
  async function resolve(
    companyId: string,
    override: BluestakesCredentials | undefined,
    fallback: ResolvedToken | undefined,
  ): Promise<ResolvedToken> {
    const deadline = now() + config.tokens.waitTimeoutMs;
    let lostWrites = 0;
    for (let poll = 0; ; poll++) {
      let row: TokenRow | undefined;
      try {
        row = await store.read(companyId, {
          touch: true,
          ...(fallback !== undefined && poll === 0 ? { retryBudgetMs: 0 } : {}),
        });
      } catch (error) {
        // Only before the database has answered: once it says the token changed, L1 is not served.
        if (fallback !== undefined && poll === 0 && error instanceof DatabaseUnavailableError) {
          return serveThroughOutage(companyId, fallback, error);
        }
        throw error;
      }
      if (row === undefined) throw new CompanyNotFoundError(companyId);
      if (!row.enabled) throw new CompanyDisabledError(companyId);
      const token = (row.expiresInMs ?? 0) > 0 ? await decrypt(companyId, row) : undefined;
      if (token === undefined && row.encryptedToken !== null && (row.expiresInMs ?? 0) > 0) {
        // Unreadable (its key was removed, it was tampered with, or a plaintext row from the original
        // system): expire exactly this version so the lease path below can replace it at once.
        await store.invalidate(companyId, row.version, 'stored token unreadable');
        continue;
      }
      const due = token === undefined || (row.refreshInMs ?? 0) <= 0;
      if (token !== undefined && !due) {
        metrics.count('L2Hit');
        if (debug)
          log.debug('Cache: L2 hit', { companyId, version: row.version, refreshInMs: row.refreshInMs });
        return remember(companyId, row, token, false);
      }
      const held = (row.holdRemainingMs ?? 0) > 0;
      const leaseLive = (row.leaseRemainingMs ?? 0) > 0;
      if (!held && !leaseLive) {
        let lease: Lease | undefined;
        try {
          lease = await store.tryAcquireLease(companyId, instanceId, config.tokens.leaseSeconds);
        } catch (error) {
          if (token === undefined || !(error instanceof DatabaseUnavailableError)) throw error;
          // The row just said this token is valid: serve it through the outage.
          metrics.count('StaleServe');
          return remember(companyId, row, token, true);
        }
        if (debug) log.debug(lease === undefined ? 'Cache: lease lost' : 'Cache: lease won', { companyId });
        if (lease !== undefined) {
          let refreshed: ResolvedToken | undefined;
          try {
            refreshed = await refreshUnderLease(companyId, lease, row, override);
          } catch (error) {
            // A still-valid token keeps being served while the refresh fails.
            if (token !== undefined) {
              metrics.count('StaleServe');
              if (debug) log.debug('Cache: refresh failed, stale serve', { companyId, version: row.version });
              return remember(companyId, row, token, true);
            }
            throw error;
          }
          if (refreshed !== undefined) return refreshed;
          if (++lostWrites > MAX_LOST_WRITES) {
            throw new TokenUnavailableError(
              `No valid token for company ${companyId} yet: its token keeps being replaced during logins`,
              { retryAfterMs: 1_000 },
            );
          }
          continue;
        }
      }
      if (token !== undefined) {
        // Stale-while-revalidate: another container is refreshing (or logins are held); this one still works.
        metrics.count('StaleServe');
        if (debug) log.debug('Cache: stale serve', { companyId, version: row.version, held, leaseLive });
        return remember(companyId, row, token, true);
      }
      if (held) throw heldError(companyId, row);
      const waitMs = Math.min(50 * 2 ** Math.min(poll, 3), 400) * (0.5 + random());
      if (now() + waitMs > deadline) {
        metrics.count('TokenUnavailable');
        throw new TokenUnavailableError(
          `No valid token for company ${companyId} yet: another container is refreshing it`,
          { retryAfterMs: Math.max(1_000, row.leaseRemainingMs ?? 1_000) },
        );
      }
      metrics.count('LeaseWait');
      if (debug) log.debug('Cache: waiting for another container', { companyId, waitMs: Math.round(waitMs) });
      await sleep(waitMs);
    }
  }

  async function getToken(companyId: string, override?: BluestakesCredentials): Promise<ResolvedToken> {
    const at = now();
    const fresh = l1.fresh(companyId, at);
    if (fresh !== undefined) {
      metrics.count('L1Hit');
      if (debug) log.debug('Cache: L1 hit', { companyId, version: fresh.version });
      return fresh;
    }
    const usable = l1.usable(companyId, at);
    const running = inFlight.get(companyId);
    if (running !== undefined) {
      // This container is already refreshing: serve the old token if it still works, else wait for it.
      if (usable !== undefined) {
        metrics.count('StaleServe');
        if (debug) log.debug('Cache: refresh in flight, stale serve', { companyId, version: usable.version });
        return usable;
      }
      if (debug) log.debug('Cache: joining the refresh in flight', { companyId });
      return running;
    }
    if (debug) log.debug('Cache: L1 miss', { companyId, usableInProcess: usable !== undefined });
    const started: Promise<ResolvedToken> = resolve(companyId, override, usable).finally(() => {
      // A credentials change may have replaced this entry with a newer refresh: leave that one alone.
      if (inFlight.get(companyId) === started) inFlight.delete(companyId);
    });
    inFlight.set(companyId, started);
    return started;
  }

  function bind(companyId: string, current: ResolvedToken): AuthenticatedBluestakes {
    const { token } = current;
    const ctx: BluestakesCallContext = {
      ...context(current.accountKey),
      tokenInUse: { companyId, version: current.version },
    };
    return {
      token,
      searchTickets: (query) => client.searchTickets(token, query, ctx),
      searchTicketsPage: (query) => client.searchTicketsPage(token, query, ctx),
      getTicket: (ticketNumber, opts) => client.getTicket(token, ticketNumber, opts, ctx),
      getTicketResponses: (ticketNumber) => client.getTicketResponses(token, ticketNumber, ctx),
      getSecondaryFunctions: (ticketNumber) => client.getSecondaryFunctions(token, ticketNumber, ctx),
    };
  }

  async function directLogin(credentials: BluestakesCredentials): Promise<BluestakesLogin> {
    const login = await client.login(
      credentials.username,
      credentials.password,
      context(bluestakesAccountKey(credentials.username)),
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
      return (await getToken(parseCompanyId(companyIdInput))).token;
    },

    async getBluestakesAuthToken(username, password, companyIdInput) {
      const credentials = validateCredentials({ username, password });
      if (companyIdInput === undefined) return (await directLogin(credentials)).token;
      return (await getToken(parseCompanyId(companyIdInput), credentials)).token;
    },

    async getBluestakesAuthTokenRaw(username, password) {
      return (await directLogin(validateCredentials({ username, password }))).token;
    },

    async makeAuthenticatedRequest(companyIdInput, request) {
      const companyId = parseCompanyId(companyIdInput);
      let tokenRefreshed = false;
      let rateLimitRetried = false;
      let supersededRetries = 0;
      for (;;) {
        const current = await getToken(companyId);
        try {
          return await request(bind(companyId, current));
        } catch (error) {
          if (error instanceof TokenSupersededError) {
            // Cleared, replaced or invalidated since this container cached it: no slot was spent.
            metrics.count('TokenSuperseded');
            if (debug) log.debug('Cache: token superseded at the rate-limit take', { companyId });
            l1.delete(companyId, current.version);
            if (++supersededRetries > MAX_SUPERSEDED_RETRIES) throw error;
            continue;
          }
          if (error instanceof UpstreamRateLimitedError) {
            metrics.count('Upstream429');
            const pauseMs = error.retryAfterMs ?? config.rateLimit.windowMs;
            await limiter.block(rateLimitKey(current.accountKey), pauseMs, { learn: true });
            await store
              .recordEvent(companyId, 'upstream_rate_limited', 'ticket call answered 429')
              .catch(() => undefined);
            // One retry when the pause fits the wait budget: the limiter holds it (and every other
            // container's calls) until Retry-After has passed, so it cannot meet the same 429.
            if (rateLimitRetried || pauseMs > config.rateLimit.maxWaitMs) throw error;
            rateLimitRetried = true;
            continue;
          }
          if (!(error instanceof TokenRejectedError)) throw error;
          metrics.count(error.status === 401 ? 'Upstream401' : 'Upstream403');
          const tokenAgeMs = now() - current.checkedAt + current.issuedAgoMs;
          // A 403 on a token minted moments ago is a permission problem; a new login would not help.
          const freshToken = tokenAgeMs < forbiddenGraceMs;
          if (tokenRefreshed || (error.status === 403 && freshToken)) throw error;
          tokenRefreshed = true;
          l1.delete(companyId, current.version);
          const invalidated = await store.invalidate(
            companyId,
            current.version,
            `Bluestakes answered ${error.status}`,
          );
          if (invalidated) metrics.count('TokenInvalidated');
          log.info('Bluestakes rejected a token; refreshing once', {
            companyId,
            status: error.status,
            version: current.version,
            invalidatedByThisCall: invalidated,
          });
        }
      }
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
      const write = await encryptedWrite(companyId, token, null, lifetime, 0, 'token_stored');
      const written = await store.storeToken(companyId, write);
      l1.delete(companyId);
      return written !== undefined;
    },

    async isTokenValid(companyIdInput) {
      const row = await store.read(parseCompanyId(companyIdInput));
      return row !== undefined && row.encryptedToken !== null && (row.expiresInMs ?? 0) > 0;
    },

    async clearToken(companyIdInput) {
      const companyId = parseCompanyId(companyIdInput);
      l1.delete(companyId);
      const cleared = await store.clear(companyId, 'cleared on request');
      // New callers must not join a refresh that started before the clear.
      inFlight.delete(companyId);
      l1.delete(companyId);
      log.info('Token cleared', { companyId, companyFound: cleared });
      return cleared;
    },

    async cleanupExpiredTokens() {
      const result = await store.cleanup({
        graceSeconds: config.tokens.cleanupGraceSeconds,
        auditRetentionDays,
        rateLimitIdleSeconds: Math.max(3_600, (config.rateLimit.windowMs / 1000) * 10),
      });
      return result;
    },

    async getTokenStats() {
      const stats = await store.stats({ expiringSoonSeconds: config.tokens.refreshBeforeSeconds });
      const learned = (await limiter.learnedLimits?.()) ?? [];
      return {
        ...stats,
        configured_rate_limit: config.rateLimit.maxRequests,
        learned_rate_limits: learned.map(({ key, limit }) => ({ key, limit })),
      };
    },

    async getTokenStatus(companyIdInput) {
      const companyId = parseCompanyId(companyIdInput);
      const row = await requireCompany(companyId);
      const seconds = (ms: number | null) => (ms === null ? null : Math.round(ms / 1000));
      const hasToken = row.encryptedToken !== null;
      const leaseHeld = (row.leaseRemainingMs ?? 0) > 0;
      const holdActive = (row.holdRemainingMs ?? 0) > 0;
      return {
        company_id: companyId,
        has_valid_token: hasToken && (row.expiresInMs ?? 0) > 0,
        has_token: hasToken,
        expires_at: hasToken ? (row.expiresAt?.toISOString() ?? null) : null,
        expires_in: hasToken ? seconds(row.expiresInMs) : null,
        refresh_at: hasToken ? (row.refreshAt?.toISOString() ?? null) : null,
        refresh_in: hasToken ? seconds(row.refreshInMs) : null,
        version: row.version,
        token_fingerprint: hasToken ? row.fingerprint : null,
        lease: {
          held: leaseHeld,
          owner: leaseHeld ? row.leaseOwner : null,
          expires_in: leaseHeld ? seconds(row.leaseRemainingMs) : null,
        },
        hold: {
          active: holdActive,
          reason: holdActive ? row.holdReason : null,
          expires_in: holdActive ? seconds(row.holdRemainingMs) : null,
        },
        login_failures: row.failureCount,
        credentials_version: row.credentialsVersion,
        last_used_at: row.lastUsedAt?.toISOString() ?? null,
      };
    },

    async storeCredentials(companyIdInput, input, { verify = true } = {}) {
      const companyId = parseCompanyId(companyIdInput);
      const credentials = validateCredentials(input);
      const company = await requireCompany(companyId);
      // Verifying is a login, which a disabled company does not get; storing alone is allowed.
      if (verify && !company.enabled) throw new CompanyDisabledError(companyId);
      const startedAt = now();
      const login = verify ? await directLogin(credentials) : undefined;
      await credentialsStore.write(companyId, credentials);
      const accountKey = bluestakesAccountKey(credentials.username);
      await store.markCredentialsChanged(companyId, accountKey);
      credentialsCache.delete(companyId);
      l1.delete(companyId);
      // A refresh in flight here started with the old credentials: new callers must not join it.
      inFlight.delete(companyId);
      let tokenCached = false;
      if (login !== undefined) {
        const lifetime = lifetimeSeconds(companyId, login, startedAt, company.ttlOverrideSeconds);
        const write = await encryptedWrite(
          companyId,
          login.token,
          accountKey,
          lifetime,
          0,
          'credentials_stored',
        );
        tokenCached = (await store.storeToken(companyId, write)) !== undefined;
      }
      log.info('Credentials stored', { companyId, verified: verify, tokenCached });
      return {
        company_id: companyId,
        username: credentials.username,
        credentials_tested: verify,
        credentials_valid: verify ? true : null,
        credentials_stored: true,
        token_cached: tokenCached,
      };
    },

    async testCredentials(input) {
      const credentials = validateCredentials(input);
      try {
        const login = await directLogin(credentials);
        return {
          username: credentials.username,
          credentials_valid: true,
          token_expires_at: login.expiresAt?.toISOString() ?? null,
        };
      } catch (error) {
        if (error instanceof CredentialsRejectedError) {
          return { username: credentials.username, credentials_valid: false, token_expires_at: null };
        }
        throw error;
      }
    },
  };
}
