import { STRATEGY_IDS } from '../strategies';
import { openLoop, seededRandom } from './pacing';
import { type ScenarioDefinition, UPSTREAM_LIMIT } from './scenario';

/**
 * Twenty companies, ticket calls arriving at a steady rate on random containers, over several token
 * lifetimes starting cold: the run spans (k + 0.5) refresh periods, so an ideal fleet-wide cache logs
 * in k + 1 times per company whatever the timing jitter.
 */
export function steadyStateScenario(quick: boolean): ScenarioDefinition {
  const lifetimeSeconds = quick ? 3 : 6;
  const refreshLeadSeconds = quick ? 1 : 2;
  const usableMs = (lifetimeSeconds - refreshLeadSeconds) * 1000;
  const periods = quick ? 2.5 : 3.5;
  const durationMs = periods * usableMs;
  const companyCount = quick ? 5 : 20;
  const containerCount = quick ? 5 : 10;
  const callsPerSecondPerCompany = 4;
  return {
    id: 'steady-state',
    title: 'Steady state',
    summary:
      `${companyCount} companies x ${callsPerSecondPerCompany} ticket calls/s on ${containerCount} containers ` +
      `for ${periods} refresh periods (${lifetimeSeconds} s tokens, refreshed ${refreshLeadSeconds} s early), from cold`,
    strategies: STRATEGY_IDS,
    profile: { lifetimeSeconds, refreshLeadSeconds, rateLimit: UPSTREAM_LIMIT },
    companies: companyCount,
    targets: { upstreamWorks: true, limitMatchesUpstream: true, validTokenExists: true },
    async run(context) {
      const fleet = context.containers(containerCount);
      const pick = seededRandom(42);
      context.beginMeasurement();
      await openLoop(callsPerSecondPerCompany * companyCount, durationMs, (index) => {
        const company = context.companies[index % companyCount]!;
        const container = fleet[Math.floor(pick() * containerCount)]!;
        void context.callers.track(() => container.call(company.id, company.ticket));
      });
      await context.callers.settle();
      return { lifetimes: Math.floor(durationMs / usableMs) + 1 };
    },
  };
}
