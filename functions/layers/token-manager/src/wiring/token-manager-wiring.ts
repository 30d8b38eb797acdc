/**
 * The default wiring: the one place that builds SDK clients and sockets. What depends on what:
 *
 *   wiring ─► adapters (Data API executor, token store, rate limiter, Secrets Manager credentials
 *     │        store and keyring, Bluestakes client over undici) ─► ports
 *     └────► token-manager core (`createTokenManagerCore`) ─► ports only
 *
 * Nothing outside `src/wiring/` imports `@aws-sdk/*` or `undici` at runtime; the folder barrels
 * re-export the SDK-backed factories from here so callers keep one import path.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { RDSDataClient } from '@aws-sdk/client-rds-data';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Dispatcher } from 'undici';
import type { BluestakesClient } from '../bluestakes/client-types';
import type { TokenManagerConfig } from '../config';
import type { CredentialsStore } from '../credentials/credentials-store';
import type { KeyringSource } from '../crypto/keyring-source';
import type { SqlExecutor } from '../data-api/data-api-executor';
import { type LogSink, type MetricsSink, powertoolsLogSink, powertoolsMetricsSink } from '../observability';
import { createDataApiRateLimiter, type UpstreamRateLimiter } from '../rate-limit/upstream-rate-limiter';
import { createDataApiTokenStore } from '../store/data-api-token-store';
import type { TokenStore } from '../store/token-store';
import { createTokenManagerCore, validateTokenManagerConfig } from '../token-manager/token-manager';
import type { TokenManager } from '../token-manager/token-manager-types';
import { createDataApiExecutor } from './rds-data';
import { createSecretsManagerCredentialsStore, createSecretsManagerKeyringSource } from './secrets-manager';
import { createBluestakesClient } from './undici-http';

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

/** A token manager over the production adapters; every option left out gets its default. */
export function createTokenManager(options: TokenManagerOptions): TokenManager {
  const { config } = options;
  // Before any client is built: a bad configuration is reported as such, not as a client error.
  validateTokenManagerConfig(config);
  const log = options.logger ?? powertoolsLogSink;
  const metrics = options.metrics ?? powertoolsMetricsSink;
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

  return createTokenManagerCore({
    config,
    store,
    limiter,
    credentialsStore,
    keyring,
    client,
    log,
    metrics,
    now: options.now ?? (() => performance.timeOrigin + performance.now()),
    sleep: options.sleep ?? delay,
    random: options.random ?? Math.random,
    instanceId: options.instanceId ?? `tm-${randomUUID()}`,
    forbiddenGraceMs: options.forbiddenGraceMs ?? 60_000,
    auditRetentionDays: options.auditRetentionDays ?? 30,
  });
}
