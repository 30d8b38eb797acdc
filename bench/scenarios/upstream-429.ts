import { setTimeout as sleep } from 'node:timers/promises';
import { STRATEGY_IDS } from '../strategies';
import { openLoop } from './pacing';
import { LONG_LIFETIME, type ScenarioDefinition, UPSTREAM_LIMIT } from './scenario';

/**
 * Ticket calls at half the limit, then the upstream suddenly allows one call per `tightWindowMs` (it
 * answers 429 with Retry-After) for that long, then goes back to normal. Nobody could have known in
 * advance, so a first 429 is unavoidable; what counts is how many follow it.
 */
export function upstream429Scenario(quick: boolean): ScenarioDefinition {
  const ratePerSecond = 5;
  const durationMs = quick ? 3_500 : 6_000;
  const tightenAfterMs = quick ? 500 : 1_000;
  const tightWindowMs = quick ? 2_000 : 3_000;
  const containerCount = 10;
  return {
    id: 'upstream-429',
    title: 'Upstream 429 with Retry-After',
    summary:
      `${ratePerSecond} ticket calls/s on ${containerCount} warm containers; after ${tightenAfterMs} ms the upstream ` +
      `allows 1 call per ${tightWindowMs} ms (429 + Retry-After) for ${tightWindowMs} ms`,
    strategies: STRATEGY_IDS,
    profile: { ...LONG_LIFETIME, rateLimit: UPSTREAM_LIMIT },
    companies: 1,
    targets: { upstreamWorks: true, limitMatchesUpstream: false, validTokenExists: true },
    async run(context) {
      const fleet = context.containers(containerCount);
      const company = context.companies[0]!;
      context.liftUpstreamLimit();
      await Promise.all(fleet.map((container) => container.getToken(company.id)));
      context.restoreUpstreamLimit();
      context.beginMeasurement();
      const load = openLoop(ratePerSecond, durationMs, (index) => {
        void context.callers.track(() => fleet[index % containerCount]!.call(company.id, company.ticket));
      });
      await sleep(tightenAfterMs);
      context.simulator.configure({
        rateLimit: {
          limit: 1,
          windowMs: tightWindowMs,
          scope: 'account',
          countLogins: true,
          sendRetryAfter: true,
          retryAfterFormat: 'seconds',
        },
      });
      await sleep(tightWindowMs);
      context.restoreUpstreamLimit();
      await load;
      await context.callers.settle();
      return { lifetimes: 0 };
    },
  };
}
