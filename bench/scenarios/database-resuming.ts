import { setTimeout as sleep } from 'node:timers/promises';
import { openLoop, seededRandom } from './pacing';
import { LONG_LIFETIME, type ScenarioDefinition, UPSTREAM_LIMIT } from './scenario';

/**
 * Aurora auto-paused: for a while every Data API call fails with DatabaseResumingException (emulator
 * fault injection) while warm containers keep serving ticket calls. Ideal: no login at all (every
 * token is still valid) and no caller failure.
 */
export function databaseResumingScenario(quick: boolean): ScenarioDefinition {
  const companyCount = quick ? 3 : 5;
  const containerCount = quick ? 5 : 10;
  const callsPerSecondPerCompany = 4;
  const durationMs = quick ? 3_000 : 5_000;
  const resumeAfterMs = quick ? 500 : 1_000;
  // The full run's 2.5 s is half the 5 s resume budget; the quick run stays under the 1.75 s that the
  // library's retry schedule always covers, so the CI check does not depend on retry jitter.
  const resumingMs = quick ? 1_500 : 2_500;
  return {
    id: 'database-resuming',
    title: 'Database resuming',
    summary:
      `${companyCount} companies x ${callsPerSecondPerCompany} ticket calls/s on ${containerCount} warm containers; ` +
      `every Data API call fails with DatabaseResumingException for ${resumingMs} ms`,
    strategies: ['original-db', 'fleet-cache'],
    notApplicableReason: 'keeps no state in the database',
    profile: {
      ...LONG_LIFETIME,
      rateLimit: UPSTREAM_LIMIT,
      fleetEnvironment: { DATA_API_RESUME_BUDGET_MS: '5000', TOKEN_L1_MAX_STALENESS_MS: '1000' },
    },
    companies: companyCount,
    targets: { upstreamWorks: true, limitMatchesUpstream: true, validTokenExists: true },
    async run(context) {
      const database = context.database;
      if (database === undefined) throw new Error('database-resuming needs the strategy database');
      const fleet = context.containers(containerCount);
      context.liftUpstreamLimit();
      await Promise.all(
        fleet.flatMap((container) => context.companies.map((company) => container.getToken(company.id))),
      );
      context.restoreUpstreamLimit();
      const pick = seededRandom(7);
      context.beginMeasurement();
      const load = openLoop(callsPerSecondPerCompany * companyCount, durationMs, (index) => {
        const company = context.companies[index % companyCount]!;
        const container = fleet[Math.floor(pick() * containerCount)]!;
        void context.callers.track(() => container.call(company.id, company.ticket));
      });
      await sleep(resumeAfterMs);
      database.emulator.injectFaults({ kind: 'resuming', count: 1_000_000 });
      try {
        await sleep(resumingMs);
      } finally {
        database.emulator.clearFaults();
      }
      await load;
      await context.callers.settle();
      return { lifetimes: 0 };
    },
  };
}
