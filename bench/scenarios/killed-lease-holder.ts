import { createDataApiTokenStore } from '@bluestakes/token-manager/internal';
import { LONG_LIFETIME, type ScenarioDefinition, UPSTREAM_LIMIT } from './scenario';

/**
 * A container took the refresh lease and died before logging in; 20 callers on 5 other containers
 * need the token. Ideal: they wait out the lease, then exactly one of them logs in.
 */
export function killedLeaseHolderScenario(quick: boolean): ScenarioDefinition {
  const leaseSeconds = quick ? 2 : 3;
  const callers = 20;
  const containerCount = 5;
  return {
    id: 'killed-lease-holder',
    title: 'Lease holder killed',
    summary: `a dead container holds the ${leaseSeconds} s refresh lease; ${callers} callers on ${containerCount} containers need the token`,
    strategies: ['fleet-cache'],
    notApplicableReason: 'no lease to hold',
    profile: {
      ...LONG_LIFETIME,
      rateLimit: UPSTREAM_LIMIT,
      // A lease must outlast a slow login plus its rate-limit wait; shrink both with the lease.
      fleetEnvironment: {
        TOKEN_LEASE_SECONDS: String(leaseSeconds),
        RATE_LIMIT_MAX_WAIT_MS: '500',
        BLUESTAKES_LOGIN_TIMEOUT_MS: '1000',
      },
    },
    companies: 1,
    targets: { upstreamWorks: true, limitMatchesUpstream: true, validTokenExists: true },
    async run(context) {
      const database = context.database;
      if (database === undefined) throw new Error('killed-lease-holder needs the strategy database');
      const company = context.companies[0]!;
      const fleet = context.containers(containerCount);
      context.beginMeasurement();
      const lease = await createDataApiTokenStore(database.executor).tryAcquireLease(
        company.id,
        'bench-killed-container',
        leaseSeconds,
      );
      if (lease === undefined) throw new Error('The dead container could not take the lease');
      await Promise.all(
        Array.from({ length: callers }, (_, index) =>
          context.callers.track(() => fleet[index % containerCount]!.getToken(company.id)),
        ),
      );
      return { lifetimes: 1 };
    },
  };
}
