import { STRATEGY_IDS } from '../strategies';
import { LONG_LIFETIME, type ScenarioDefinition, UPSTREAM_LIMIT } from './scenario';

/** N callers ask for one company's token at the same moment, with no token anywhere yet. */
export function coldStampedeScenario(callers: number): ScenarioDefinition {
  const containerCount = Math.max(1, Math.round(callers / 10));
  return {
    id: `cold-stampede-${callers}`,
    title: `Cold stampede, N=${callers}`,
    summary: `${callers} concurrent token requests for one company, no token cached anywhere, spread over ${containerCount} containers`,
    strategies: STRATEGY_IDS,
    profile: { ...LONG_LIFETIME, rateLimit: UPSTREAM_LIMIT },
    companies: 1,
    targets: { upstreamWorks: true, limitMatchesUpstream: true, validTokenExists: true },
    async run(context) {
      const fleet = context.containers(containerCount);
      const company = context.companies[0]!;
      context.beginMeasurement();
      await Promise.all(
        Array.from({ length: callers }, (_, index) =>
          context.callers.track(() => fleet[index % containerCount]!.getToken(company.id)),
        ),
      );
      return { lifetimes: 1 };
    },
  };
}
