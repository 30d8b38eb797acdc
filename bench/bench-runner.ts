/**
 * Runs the whole benchmark programmatically (run.ts and the quick test both call this): every
 * scenario for every strategy, then ours' latency in isolation, then the target checks.
 */
import { performance } from 'node:perf_hooks';
import { type BackendKind, backendFromEnvironment } from './environment/bench-database';
import { startBenchEnvironment } from './environment/bench-environment';
import { describeMachine } from './environment/machine';
import { measureLatency } from './latency/fleet-latency';
import type { StrategyFigures } from './metrics/strategy-figures';
import type { BenchReport, ScenarioReport } from './report/bench-report';
import { latencyTargets, scenarioTargets } from './report/targets';
import { runScenarioForStrategy } from './scenario-runner';
import { buildScenarios } from './scenarios';
import { STRATEGY_IDS, type StrategyId } from './strategies';
import { warmUp } from './warm-up';

export interface BenchOptions {
  readonly quick: boolean;
  /** @default every strategy */
  readonly strategies?: readonly StrategyId[];
  /** Scenario ids to run. @default all */
  readonly scenarios?: readonly string[];
  /** Run strategies one after another (cleaner timings, longer run). @default false: side by side, each in its own world */
  readonly sequential?: boolean;
  /** @default true */
  readonly latency?: boolean;
  /** @default postgres when DATABASE_URL is set, else pglite */
  readonly backend?: BackendKind;
  readonly onProgress?: (line: string) => void;
}

export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const startedAt = new Date();
  const started = performance.now();
  const strategies = STRATEGY_IDS.filter((id) => options.strategies?.includes(id) ?? true);
  const backend = options.backend ?? backendFromEnvironment();
  const report = options.onProgress ?? (() => undefined);
  const progress = (line: string) =>
    report(`[${((performance.now() - started) / 1000).toFixed(1)} s] ${line}`);
  const scenarios = buildScenarios(options.quick).filter(
    (scenario) => options.scenarios === undefined || options.scenarios.includes(scenario.id),
  );

  progress(`starting ${backend} databases and stand-ins ...`);
  const environment = await startBenchEnvironment(strategies, backend);
  const reports: ScenarioReport[] = [];
  let latency: BenchReport['latency'] = null;
  try {
    progress('warm-up ...');
    await warmUp(environment, strategies);
    for (const scenario of scenarios) {
      const scenarioStarted = performance.now();
      progress(`scenario ${scenario.id} ...`);
      const run = (strategy: StrategyId) => runScenarioForStrategy(environment, scenario, strategy);
      let figures: StrategyFigures[];
      if (options.sequential) {
        figures = [];
        for (const strategy of strategies) figures.push(await run(strategy));
      } else {
        figures = await Promise.all(strategies.map(run));
      }
      const wallMs = performance.now() - scenarioStarted;
      progress(`scenario ${scenario.id} done in ${(wallMs / 1000).toFixed(1)} s`);
      reports.push({
        id: scenario.id,
        title: scenario.title,
        summary: scenario.summary,
        profile: scenario.profile,
        targets: scenario.targets,
        wallMs,
        strategies: figures,
      });
    }
    if (options.latency ?? true) {
      progress('latency ...');
      latency = await measureLatency(environment, strategies, options.quick);
    }
  } finally {
    await environment.close();
  }

  return {
    startedAt: startedAt.toISOString(),
    durationMs: performance.now() - started,
    quick: options.quick,
    sequential: options.sequential ?? false,
    strategies,
    machine: describeMachine(backend),
    scenarios: reports,
    latency,
    targets: [...reports.flatMap(scenarioTargets), ...latencyTargets(latency)],
  };
}
