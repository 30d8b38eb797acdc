import { STRATEGY_IDS } from '../strategies';
import { closedLoops, firstAndAll, sleepUntil } from './pacing';
import { type ScenarioDefinition, UPSTREAM_LIMIT } from './scenario';

/**
 * The "refresh minute": every container holds the token, then callers hammer it while it comes due
 * (scaled: the last `refreshLead` seconds of its life). Ideal: one login, and nobody waits for it.
 */
export function refreshWindowScenario(quick: boolean): ScenarioDefinition {
  const lifetimeSeconds = quick ? 3 : 6;
  const refreshLeadSeconds = quick ? 1 : 2;
  const usableMs = (lifetimeSeconds - refreshLeadSeconds) * 1000;
  const containerCount = quick ? 10 : 20;
  const loopsPerContainer = quick ? 3 : 5;
  // Starts well before the token comes due: a late timer must not let the refresh slip out of the window.
  const beforeMs = quick ? 600 : 800;
  const windowMs = quick ? 1_600 : 2_500;
  return {
    id: 'refresh-window',
    title: 'Refresh window under load',
    summary:
      `${containerCount * loopsPerContainer} token-request loops on ${containerCount} warm containers, ` +
      `running from ${beforeMs} ms before the token comes due for ${windowMs} ms`,
    strategies: STRATEGY_IDS,
    profile: { lifetimeSeconds, refreshLeadSeconds, rateLimit: UPSTREAM_LIMIT },
    companies: 1,
    targets: { upstreamWorks: true, limitMatchesUpstream: true, validTokenExists: true },
    async run(context) {
      const fleet = context.containers(containerCount);
      const company = context.companies[0]!;
      context.liftUpstreamLimit();
      const warmAt = await firstAndAll(fleet.map((container) => container.getToken(company.id)));
      context.restoreUpstreamLimit();
      await sleepUntil(warmAt + usableMs - beforeMs);
      context.beginMeasurement();
      await closedLoops(containerCount * loopsPerContainer, windowMs, 5, (worker) =>
        context.callers.track(() => fleet[worker % containerCount]!.getToken(company.id)),
      );
      return { lifetimes: 1 };
    },
  };
}
