import { setTimeout as sleep } from 'node:timers/promises';
import { STRATEGY_IDS } from '../strategies';
import { LONG_LIFETIME, type ScenarioDefinition } from './scenario';

const IN_FLIGHT = 100;

/**
 * Bluestakes voids the token while 100 ticket calls are on their way (50 ms upstream latency): every
 * one of them comes back 401. Ideal: one login for all of them. The upstream limit is raised here
 * (for every strategy, and ours is told) because 200 calls in a moment is not what this measures.
 */
export function revokedTokenScenario(): ScenarioDefinition {
  const containerCount = 5;
  return {
    id: 'revoked-token',
    title: 'Token revoked, 100 calls in flight',
    summary: `${IN_FLIGHT} ticket calls in flight on ${containerCount} warm containers when the upstream revokes the token`,
    strategies: STRATEGY_IDS,
    profile: {
      ...LONG_LIFETIME,
      rateLimit: { limit: 1_000, windowMs: 1_000 },
      simulator: { latencyMs: 50 },
    },
    companies: 1,
    targets: { upstreamWorks: true, limitMatchesUpstream: true, validTokenExists: true },
    async run(context) {
      const fleet = context.containers(containerCount);
      const company = context.companies[0]!;
      await Promise.all(fleet.map((container) => container.getToken(company.id)));
      context.beginMeasurement();
      const calls = Array.from({ length: IN_FLIGHT }, (_, index) =>
        context.callers.track(() => fleet[index % containerCount]!.call(company.id, company.ticket)),
      );
      await sleep(10);
      context.simulator.revokeTokensFor(company.username);
      await Promise.all(calls);
      return { lifetimes: 1 };
    },
  };
}
