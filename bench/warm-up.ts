/**
 * One untimed pass through every strategy's code paths before the first scenario, so module loading
 * and JIT compilation do not land in the first scenario's latencies.
 */
import type { BenchEnvironment } from './environment/bench-environment';
import { createStrategyWorld } from './environment/strategy-world';
import { LONG_LIFETIME, UPSTREAM_LIMIT } from './scenarios/scenario';
import type { StrategyId } from './strategies';

/** Every strategy at once: they share nothing but the CPU. */
export async function warmUp(
  environment: BenchEnvironment,
  strategies: readonly StrategyId[],
): Promise<void> {
  await Promise.all(strategies.map((strategy) => warmUpOne(environment, strategy)));
}

async function warmUpOne(environment: BenchEnvironment, strategy: StrategyId): Promise<void> {
  const world = await createStrategyWorld(environment, {
    strategy,
    profile: { ...LONG_LIFETIME, rateLimit: UPSTREAM_LIMIT },
    companies: 1,
  });
  const company = world.companies[0]!;
  const container = world.strategy.createContainer();
  try {
    for (let round = 0; round < 3; round++) {
      await container.getToken(company.id);
      await container.call(company.id, company.ticket);
    }
  } finally {
    await container.close();
    await world.close();
  }
}
