/**
 * The token protocol: L1 cache, single flight, one lock-free read, the lease, stale serving and
 * waiting for another container. It depends on ports only (see `TokenManagerPorts`): the token
 * store, the rate limiter, the credentials store, the keyring and the Bluestakes client.
 */
import type { BluestakesCredentials } from '../credentials/credentials-store';
import {
  CompanyDisabledError,
  CompanyNotFoundError,
  DatabaseUnavailableError,
  TokenServiceError,
  TokenUnavailableError,
} from '../errors';
import type { Lease, TokenRow } from '../store';
import { type AccountSiblings, createAccountSiblings } from './account-siblings';
import { L1Cache, type L1Entry, l1Entry } from './l1-cache';
import { createLeaseRefresh } from './lease-refresh';
import { loginHeldError } from './login-holds';
import { SingleFlight } from './single-flight';
import type { ProtocolContext } from './token-manager-types';
import { createTokenSealing, type TokenSealing } from './token-sealing';

/** While the database does not answer, a container re-checks its in-process token this often (on calls). */
const OUTAGE_RECHECK_MS = 1_000;
/** Logins whose write-back found the fence moved, per call, before giving up with TOKEN_UNAVAILABLE. */
const MAX_LOST_WRITES = 2;

/** A token ready to use, with what is needed to invalidate exactly it and to judge its age. */
export type ResolvedToken = L1Entry;

export interface TokenProtocol {
  /** A usable token: from L1, the row, a login under the lease, or another container's refresh. */
  getToken(companyId: string, override?: BluestakesCredentials): Promise<ResolvedToken>;
  /** Drops the in-process token; with `version`, only if it is still that one. */
  forget(companyId: string, version?: string): void;
  /** New callers must not join a refresh that started before now (it may use old credentials or a cleared row). */
  abandonRefresh(companyId: string): void;
  forgetCredentials(companyId: string): void;
  readonly sealing: TokenSealing;
  readonly siblings: AccountSiblings;
}

export function createTokenProtocol(ctx: ProtocolContext): TokenProtocol {
  const { config, store, log, metrics, now, debug } = ctx;
  const l1 = new L1Cache(config.tokens.l1MaxStalenessMs);
  const flights = new SingleFlight<ResolvedToken>();
  const sealing = createTokenSealing(ctx.keyring, log);
  const siblings = createAccountSiblings(ctx, sealing, l1);
  const leaseRefresh = createLeaseRefresh(ctx, sealing, siblings, l1);

  function remember(companyId: string, row: TokenRow, token: string, staleServe: boolean): ResolvedToken {
    const expiresInMs = row.expiresInMs ?? 0;
    // A stale serve is re-checked within a second so the new version is picked up as soon as it lands.
    const refreshInMs = staleServe ? Math.min(1_000, expiresInMs) : (row.refreshInMs ?? 0);
    const remembered = l1Entry(now(), token, row.version, row.accountKey, {
      refreshInMs,
      expiresInMs,
      issuedAgoMs: row.issuedAgoMs ?? 0,
    });
    l1.set(companyId, remembered);
    return remembered;
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
      const token = (row.expiresInMs ?? 0) > 0 ? await sealing.open(companyId, row) : undefined;
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
          lease = await store.tryAcquireLease(companyId, ctx.instanceId, config.tokens.leaseSeconds);
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
            refreshed = await leaseRefresh.refresh(companyId, lease, row, override);
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
      if (held) throw loginHeldError(companyId, row);
      const waitMs = Math.min(50 * 2 ** Math.min(poll, 3), 400) * (0.5 + ctx.random());
      if (now() + waitMs > deadline) {
        metrics.count('TokenUnavailable');
        throw new TokenUnavailableError(
          `No valid token for company ${companyId} yet: another container is refreshing it`,
          { retryAfterMs: Math.max(1_000, row.leaseRemainingMs ?? 1_000) },
        );
      }
      metrics.count('LeaseWait');
      if (debug) log.debug('Cache: waiting for another container', { companyId, waitMs: Math.round(waitMs) });
      await ctx.sleep(waitMs);
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
    const running = flights.get(companyId);
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
    return flights.start(companyId, () => resolve(companyId, override, usable));
  }

  return {
    getToken,
    forget: (companyId, version) => l1.delete(companyId, version),
    abandonRefresh: (companyId) => flights.forget(companyId),
    forgetCredentials: leaseRefresh.forgetCredentials,
    sealing,
    siblings,
  };
}
