import { setTimeout as sleep } from 'node:timers/promises';
import { STRATEGY_IDS } from '../strategies';
import { closedLoops, firstAndAll, sleepUntil } from './pacing';
import { type ScenarioDefinition, UPSTREAM_LIMIT } from './scenario';

/**
 * The login endpoint answers 503 from just before the token comes due until well into its refresh
 * window (the token itself stays valid upstream until it expires). Ideal: callers never notice; a
 * bounded number of login attempts; one successful login once the endpoint is back.
 */
export function loginOutageScenario(quick: boolean): ScenarioDefinition {
  // After a failed login ours holds logins 1 s, and a container re-reads the row within 1 s of that:
  // the token must outlive both by a margin, or the scenario measures hard expiry, not an outage.
  const lifetimeSeconds = quick ? 5 : 8;
  const refreshLeadSeconds = quick ? 3 : 4;
  const usableMs = (lifetimeSeconds - refreshLeadSeconds) * 1000;
  const outageMs = quick ? 1_000 : 2_000;
  const afterMs = quick ? 1_000 : 1_500;
  const containerCount = 10;
  const loopsPerContainer = 2;
  return {
    id: 'login-outage',
    title: 'Login endpoint down through a refresh',
    summary:
      `login answers 503 for ${outageMs} ms starting about 300 ms before the token comes due ` +
      `(${lifetimeSeconds} s tokens, due ${refreshLeadSeconds} s early); ${containerCount * loopsPerContainer} token-request loops`,
    strategies: STRATEGY_IDS,
    profile: {
      lifetimeSeconds,
      refreshLeadSeconds,
      rateLimit: UPSTREAM_LIMIT,
      // Retry a failing login every second: well inside the time the old token stays valid.
      fleetEnvironment: { LOGIN_FAILURE_BACKOFF_BASE_SECONDS: '1', LOGIN_FAILURE_BACKOFF_MAX_SECONDS: '1' },
    },
    companies: 1,
    targets: { upstreamWorks: false, limitMatchesUpstream: true, validTokenExists: true },
    async run(context) {
      const fleet = context.containers(containerCount);
      const company = context.companies[0]!;
      context.liftUpstreamLimit();
      const warmAt = await firstAndAll(fleet.map((container) => container.getToken(company.id)));
      context.restoreUpstreamLimit();
      // warmAt is when the first caller had the token, a login's duration after the refresh clock started.
      await sleepUntil(warmAt + usableMs - 700);
      context.beginMeasurement();
      const load = closedLoops(containerCount * loopsPerContainer, 700 + outageMs + afterMs, 20, (worker) =>
        context.callers.track(() => fleet[worker % containerCount]!.getToken(company.id)),
      );
      await sleep(300);
      context.simulator.injectFaults({ kind: 'status', status: 503, target: 'login', count: 100_000 });
      await sleep(outageMs);
      context.simulator.clearFaults();
      await load;
      return { lifetimes: 1 };
    },
  };
}
