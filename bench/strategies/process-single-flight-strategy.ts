/**
 * (b) A per-process cache with in-process single flight, as google-auth-library does it: the token is
 * refreshed eagerly `refreshLead` before expiry, concurrent refreshes in one process share one
 * promise, callers wait for the refresh (no stale serving), and a 401/403 forces a refresh (joining
 * one already running) and retries once. Nothing is shared between containers.
 */
import { performance } from 'node:perf_hooks';
import { callWithOneRetry, createBaselineUpstream, usableForMs } from './baseline-upstream';
import type { StrategyDependencies, TokenStrategy } from './token-strategy';

export function createProcessSingleFlightStrategy(deps: StrategyDependencies): TokenStrategy {
  const usableMs = usableForMs(deps);
  return {
    id: 'process-single-flight',
    createContainer() {
      const upstream = createBaselineUpstream(deps);
      const cache = new Map<string, { token: string; refreshAt: number }>();
      const inFlight = new Map<string, Promise<string>>();

      const refresh = (companyId: string): Promise<string> => {
        const running = inFlight.get(companyId);
        if (running !== undefined) return running;
        const started = upstream
          .login(companyId)
          .then((token) => {
            cache.set(companyId, { token, refreshAt: performance.now() + usableMs });
            return token;
          })
          .finally(() => inFlight.delete(companyId));
        inFlight.set(companyId, started);
        return started;
      };

      const getToken = async (companyId: string): Promise<string> => {
        const cached = cache.get(companyId);
        if (cached !== undefined && performance.now() < cached.refreshAt) return cached.token;
        return refresh(companyId);
      };

      return {
        getToken,
        async call(companyId, ticketNumber) {
          const token = await getToken(companyId);
          await callWithOneRetry(upstream, token, ticketNumber, () => refresh(companyId));
        },
        async close() {
          upstream.close();
        },
      };
    },
  };
}
