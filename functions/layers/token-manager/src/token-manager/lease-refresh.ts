import type { BluestakesLogin } from '../bluestakes';
import type { BluestakesCredentials } from '../credentials/credentials-store';
import { TokenServiceError, UpstreamRateLimitedError } from '../errors';
import type { Lease, TokenRow } from '../store';
import { bluestakesAccountKey, callContext, rateLimitKey } from './account-key';
import type { AccountSiblings } from './account-siblings';
import { type L1Cache, type L1Entry, l1Entry } from './l1-cache';
import { loginHoldFor } from './login-holds';
import { freshTokenWrite, loginLifetimeSeconds } from './token-lifetime';
import type { ProtocolContext } from './token-manager-types';
import type { TokenSealing } from './token-sealing';

/** What the lease winner does: read credentials, log in (or adopt a sibling's token), write back fenced. */
export interface LeaseRefresh {
  /** The new token; undefined when the lease was lost meanwhile (the caller reads the row again). */
  refresh(
    companyId: string,
    lease: Lease,
    row: TokenRow,
    override: BluestakesCredentials | undefined,
  ): Promise<L1Entry | undefined>;
  /** Drops the container's copy of the company's credentials (they changed). */
  forgetCredentials(companyId: string): void;
}

export function createLeaseRefresh(
  ctx: ProtocolContext,
  sealing: TokenSealing,
  siblings: AccountSiblings,
  l1: L1Cache,
): LeaseRefresh {
  const { config, store, limiter, client, log, metrics, now, debug } = ctx;
  const credentialsCache = new Map<string, { version: string; credentials: BluestakesCredentials }>();

  async function loadCredentials(companyId: string, lease: Lease): Promise<BluestakesCredentials> {
    const cached = credentialsCache.get(companyId);
    if (cached !== undefined && cached.version === lease.credentialsVersion) return cached.credentials;
    const credentials = await ctx.credentialsStore.read(companyId);
    credentialsCache.set(companyId, { version: lease.credentialsVersion, credentials });
    return credentials;
  }

  async function failLogin(companyId: string, lease: Lease, error: unknown): Promise<void> {
    const hold = loginHoldFor(error, config.loginHold);
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

  async function refresh(
    companyId: string,
    lease: Lease,
    row: TokenRow,
    override: BluestakesCredentials | undefined,
  ): Promise<L1Entry | undefined> {
    const startedAt = now();

    let login: BluestakesLogin;
    // Known before the first login only once credentials were stored; the login's own account wins.
    let accountKey: string | null = row.accountKey;
    let found: TokenRow[] = [];
    try {
      const credentials = override ?? (await loadCredentials(companyId, lease));
      accountKey = bluestakesAccountKey(credentials.username);
      found = await siblings.find(companyId, accountKey);
      const adopted = await siblings.adopt(companyId, lease, accountKey, found);
      if (adopted !== undefined) return adopted.token;
      login = await client.login(
        credentials.username,
        credentials.password,
        callContext(config.rateLimit.scope, accountKey),
      );
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
          .block(
            rateLimitKey(config.rateLimit.scope, accountKey),
            error.retryAfterMs ?? config.rateLimit.windowMs,
            { learn: true },
          )
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
    const lifetime = loginLifetimeSeconds(ctx, companyId, login, startedAt, lease.ttlOverrideSeconds);
    const write = await freshTokenWrite(ctx, sealing, companyId, login.token, {
      accountKey,
      lifetimeSeconds: lifetime,
      elapsedSeconds,
      event: 'login',
    });
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
    const fresh = l1Entry(now(), login.token, written.version, accountKey, {
      refreshInMs: written.refreshInMs,
      expiresInMs: written.expiresInMs,
      issuedAgoMs: elapsedSeconds * 1000,
    });
    l1.set(companyId, fresh);
    await siblings.share(companyId, found, login, write);
    return fresh;
  }

  return { refresh, forgetCredentials: (companyId) => credentialsCache.delete(companyId) };
}
