/**
 * (c) A per-process TTL cache without single flight, as Powertools Parameters or the Lambda secrets
 * extension cache a value: every caller that finds the entry missing or expired fetches (logs in) on
 * its own and the last write wins; a 401/403 drops the entry, logs in again and retries once.
 */
import { performance } from 'node:perf_hooks';
import { callWithOneRetry, createBaselineUpstream, usableForMs } from './baseline-upstream';
import type { StrategyDependencies, TokenStrategy } from './token-strategy';

export function createProcessTtlStrategy(deps: StrategyDependencies): TokenStrategy {
  const ttlMs = usableForMs(deps);
  return {
    id: 'process-ttl',
    createContainer() {
      const upstream = createBaselineUpstream(deps);
      const cache = new Map<string, { token: string; expiresAt: number }>();

      const fetchAndStore = async (companyId: string): Promise<string> => {
        const token = await upstream.login(companyId);
        cache.set(companyId, { token, expiresAt: performance.now() + ttlMs });
        return token;
      };

      const getToken = async (companyId: string): Promise<string> => {
        const cached = cache.get(companyId);
        if (cached !== undefined && performance.now() < cached.expiresAt) return cached.token;
        return fetchAndStore(companyId);
      };

      return {
        getToken,
        async call(companyId, ticketNumber) {
          const token = await getToken(companyId);
          await callWithOneRetry(upstream, token, ticketNumber, () => {
            cache.delete(companyId);
            return fetchAndStore(companyId);
          });
        },
        async close() {
          upstream.close();
        },
      };
    },
  };
}
