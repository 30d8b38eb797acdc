import { setTimeout as sleep } from 'node:timers/promises';
import { STRATEGY_IDS } from '../strategies';
import { LONG_LIFETIME, type ScenarioDefinition, UPSTREAM_LIMIT } from './scenario';

/**
 * The stored password is wrong. Every caller must fail (there is no token to be had); what matters
 * is how many times each strategy throws the wrong password at Bluestakes (account lockout risk).
 */
export function wrongPasswordScenario(quick: boolean): ScenarioDefinition {
  const waves = quick ? 2 : 3;
  const callersPerWave = quick ? 20 : 50;
  const containerCount = 5;
  return {
    id: 'wrong-password',
    title: 'Wrong password',
    summary: `${waves} waves of ${callersPerWave} token requests, 500 ms apart, on ${containerCount} containers; the stored password is wrong`,
    strategies: STRATEGY_IDS,
    profile: { ...LONG_LIFETIME, rateLimit: UPSTREAM_LIMIT },
    companies: 1,
    wrongPassword: true,
    targets: { upstreamWorks: false, limitMatchesUpstream: true, validTokenExists: false },
    async run(context) {
      const fleet = context.containers(containerCount);
      const company = context.companies[0]!;
      context.beginMeasurement();
      for (let wave = 0; wave < waves; wave++) {
        if (wave > 0) await sleep(500);
        await Promise.all(
          Array.from({ length: callersPerWave }, (_, index) =>
            context.callers.track(() => fleet[index % containerCount]!.getToken(company.id)),
          ),
        );
      }
      return { lifetimes: 1 };
    },
  };
}
