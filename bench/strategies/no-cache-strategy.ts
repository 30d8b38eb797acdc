/** (a) No cache at all: every token request is a login (what a naive integration does). */
import { callWithOneRetry, createBaselineUpstream } from './baseline-upstream';
import type { StrategyDependencies, TokenStrategy } from './token-strategy';

export function createNoCacheStrategy(deps: StrategyDependencies): TokenStrategy {
  return {
    id: 'no-cache',
    createContainer() {
      const upstream = createBaselineUpstream(deps);
      return {
        getToken: (companyId) => upstream.login(companyId),
        async call(companyId, ticketNumber) {
          const token = await upstream.login(companyId);
          await callWithOneRetry(upstream, token, ticketNumber, () => upstream.login(companyId));
        },
        async close() {
          upstream.close();
        },
      };
    },
  };
}
