import type { BluestakesCallContext } from '../bluestakes';
import { TokenRejectedError, UpstreamRateLimitedError } from '../errors';
import { TokenSupersededError } from '../rate-limit/token-superseded-error';
import { callContext, rateLimitKey } from './account-key';
import type { AuthenticatedBluestakes, ProtocolContext } from './token-manager-types';
import type { ResolvedToken, TokenProtocol } from './token-protocol';

/** Times one call fetches the current token after the limiter found its token replaced. */
const MAX_SUPERSEDED_RETRIES = 2;

/**
 * The call policy around a request made with a company's token: a superseded token is swapped for the
 * current one, a 429 pauses the account and is retried once when the pause fits the wait budget, a
 * 401 (or a 403 on a token past the grace period) invalidates exactly that version and is retried
 * once with a fresh token. Never loops.
 */
export function createAuthenticatedRequest(ctx: ProtocolContext, protocol: TokenProtocol) {
  const { config, store, limiter, client, log, metrics, debug } = ctx;

  function bind(companyId: string, current: ResolvedToken): AuthenticatedBluestakes {
    const { token } = current;
    const call: BluestakesCallContext = {
      ...callContext(config.rateLimit.scope, current.accountKey),
      tokenInUse: { companyId, version: current.version },
    };
    return {
      token,
      searchTickets: (query) => client.searchTickets(token, query, call),
      searchTicketsPage: (query) => client.searchTicketsPage(token, query, call),
      getTicket: (ticketNumber, opts) => client.getTicket(token, ticketNumber, opts, call),
      getTicketResponses: (ticketNumber) => client.getTicketResponses(token, ticketNumber, call),
      getSecondaryFunctions: (ticketNumber) => client.getSecondaryFunctions(token, ticketNumber, call),
    };
  }

  return async function makeAuthenticatedRequest<T>(
    companyId: string,
    request: (api: AuthenticatedBluestakes) => Promise<T>,
  ): Promise<T> {
    let tokenRefreshed = false;
    let rateLimitRetried = false;
    let supersededRetries = 0;
    for (;;) {
      const current = await protocol.getToken(companyId);
      try {
        return await request(bind(companyId, current));
      } catch (error) {
        if (error instanceof TokenSupersededError) {
          // Cleared, replaced or invalidated since this container cached it: no slot was spent.
          metrics.count('TokenSuperseded');
          if (debug) log.debug('Cache: token superseded at the rate-limit take', { companyId });
          protocol.forget(companyId, current.version);
          if (++supersededRetries > MAX_SUPERSEDED_RETRIES) throw error;
          continue;
        }
        if (error instanceof UpstreamRateLimitedError) {
          metrics.count('Upstream429');
          const pauseMs = error.retryAfterMs ?? config.rateLimit.windowMs;
          await limiter.block(rateLimitKey(config.rateLimit.scope, current.accountKey), pauseMs, {
            learn: true,
          });
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
        const tokenAgeMs = ctx.now() - current.checkedAt + current.issuedAgoMs;
        // A 403 on a token minted moments ago is a permission problem; a new login would not help.
        const freshToken = tokenAgeMs < ctx.forbiddenGraceMs;
        if (tokenRefreshed || (error.status === 403 && freshToken)) throw error;
        tokenRefreshed = true;
        protocol.forget(companyId, current.version);
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
  };
}
