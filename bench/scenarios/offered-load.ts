import { STRATEGY_IDS } from '../strategies';
import { openLoop } from './pacing';
import { LONG_LIFETIME, type ScenarioDefinition, UPSTREAM_LIMIT } from './scenario';

/** Ticket calls offered at three times the upstream limit from 20 containers, starting cold. */
export function offeredLoadScenario(quick: boolean): ScenarioDefinition {
  const multiple = 3;
  const ratePerSecond = (multiple * UPSTREAM_LIMIT.limit * 1000) / UPSTREAM_LIMIT.windowMs;
  const durationMs = quick ? 1_000 : 3_000;
  const containerCount = 20;
  return {
    id: 'offered-load-3x',
    title: 'Offered load 3x the limit',
    summary: `${ratePerSecond} ticket calls/s (limit ${UPSTREAM_LIMIT.limit} per ${UPSTREAM_LIMIT.windowMs} ms) for ${durationMs} ms on ${containerCount} containers`,
    strategies: STRATEGY_IDS,
    profile: { ...LONG_LIFETIME, rateLimit: UPSTREAM_LIMIT },
    companies: 1,
    targets: { upstreamWorks: true, limitMatchesUpstream: true, validTokenExists: true },
    async run(context) {
      const fleet = context.containers(containerCount);
      const company = context.companies[0]!;
      context.beginMeasurement();
      await openLoop(ratePerSecond, durationMs, (index) => {
        void context.callers.track(() => fleet[index % containerCount]!.call(company.id, company.ticket));
      });
      await context.callers.settle();
      return { lifetimes: 1 };
    },
  };
}
