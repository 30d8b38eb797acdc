/** Runs one scenario for one strategy in a world of its own and measures it. */
import { performance } from 'node:perf_hooks';
import type { BenchEnvironment } from './environment/bench-environment';
import { createStrategyWorld, upstreamRateLimit } from './environment/strategy-world';
import { computeFigures, type StrategyFigures } from './metrics/strategy-figures';
import { CallerTracker } from './scenarios/caller-tracker';
import type { ScenarioContext, ScenarioDefinition } from './scenarios/scenario';
import type { Container, StrategyId } from './strategies';

/** Counts each caller-level token request (a ticket call needs one too) before handing it on. */
function countingContainer(container: Container, tokenRequest: () => void): Container {
  return {
    getToken(companyId) {
      tokenRequest();
      return container.getToken(companyId);
    },
    call(companyId, ticketNumber) {
      tokenRequest();
      return container.call(companyId, ticketNumber);
    },
    close: () => container.close(),
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export async function runScenarioForStrategy(
  environment: BenchEnvironment,
  scenario: ScenarioDefinition,
  strategyId: StrategyId,
): Promise<StrategyFigures> {
  if (!scenario.strategies.includes(strategyId)) {
    return {
      strategy: strategyId,
      applicable: false,
      reason: scenario.notApplicableReason ?? 'not applicable',
    };
  }
  const world = await createStrategyWorld(environment, {
    strategy: strategyId,
    profile: scenario.profile,
    companies: scenario.companies,
    ...(scenario.wrongPassword ? { wrongPassword: true } : {}),
  });
  const containers: Container[] = [];
  const callers = new CallerTracker();
  const emulatorCalls = () => world.database?.emulator.stats.calls ?? 0;
  let measuredFrom = performance.now();
  let emulatorFrom = emulatorCalls();

  const context: ScenarioContext = {
    strategy: world.strategy,
    companies: world.companies,
    simulator: world.simulator,
    database: world.database,
    profile: scenario.profile,
    callers,
    containers(count) {
      return Array.from({ length: count }, () => {
        const container = world.strategy.createContainer();
        containers.push(container);
        return countingContainer(container, () => world.counters.tokenRequest());
      });
    },
    liftUpstreamLimit() {
      world.simulator.configure({ rateLimit: null });
    },
    restoreUpstreamLimit() {
      world.simulator.configure({ rateLimit: upstreamRateLimit(scenario.profile.rateLimit) });
    },
    beginMeasurement() {
      world.recorder.reset();
      world.simulator.resetStats();
      world.counters.reset();
      callers.reset();
      measuredFrom = performance.now();
      emulatorFrom = emulatorCalls();
    },
  };

  let lifetimes = 0;
  let error: string | undefined;
  try {
    lifetimes = (await scenario.run(context)).lifetimes;
  } catch (caught) {
    error = describe(caught);
  } finally {
    // A scenario that broke half-way must not leave the shared database failing for the next one.
    world.database?.emulator.clearFaults();
    world.simulator.clearFaults();
  }
  await callers.settle();
  const durationMs = performance.now() - measuredFrom;
  try {
    return computeFigures({
      strategy: strategyId,
      ...(error === undefined ? {} : { error }),
      durationMs,
      companies: scenario.companies,
      lifetimes,
      refreshPeriodMs: (scenario.profile.lifetimeSeconds - scenario.profile.refreshLeadSeconds) * 1000,
      limit: scenario.profile.rateLimit,
      records: world.recorder.records,
      simulator: world.simulator.stats(),
      counters: world.counters.snapshot(),
      callers: callers.outcomes,
      emulatorCalls: world.database === undefined ? null : emulatorCalls() - emulatorFrom,
    });
  } finally {
    for (const container of containers) await container.close();
    await world.close();
  }
}
