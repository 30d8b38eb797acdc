/**
 * Latency of ours on its three paths, each in isolation (nothing else runs meanwhile):
 * - L1 hit: a warm container asked in a tight loop;
 * - L2 hit: a container whose in-process copy is never fresh (staleness bound 0), so every request
 *   is one read of the row;
 * - miss: the row is cleared (outside the timed part) so every request takes the lease, logs in and
 *   writes back.
 * Plus the original system's cache hit (one row read per token request) for comparison.
 */
import { performance } from 'node:perf_hooks';
import { createDataApiTokenStore } from '@bluestakes/token-manager/internal';
import type { BenchEnvironment } from '../environment/bench-environment';
import { StrategyCounters } from '../environment/strategy-counters';
import { createStrategyWorld, type StrategyWorld } from '../environment/strategy-world';
import { type Percentiles, percentiles } from '../metrics/statistics';
import type { ScenarioProfile } from '../scenarios/scenario';
import { type Container, createStrategy, type StrategyId } from '../strategies';

export type LatencyOperation = 'l1-hit' | 'l2-hit' | 'miss' | 'original-hit';

export interface LatencyFigures {
  readonly operation: LatencyOperation;
  readonly label: string;
  /** Microseconds. */
  readonly latencyUs: Percentiles;
  readonly dataApiCallsEach: number;
  readonly secretsReadsEach: number;
  readonly loginsEach: number;
}

export interface LatencyReport {
  readonly operations: readonly LatencyFigures[];
}

const LABELS: Readonly<Record<LatencyOperation, string>> = {
  'l1-hit': 'ours: L1 hit (in-process)',
  'l2-hit': 'ours: L2 hit (one row read)',
  miss: 'ours: miss (lease + login + write)',
  'original-hit': '(d) original: cache hit (row read)',
};

/** No limit worth the name and no refresh during the measurement: only the paths themselves. */
const PROFILE: ScenarioProfile = {
  lifetimeSeconds: 3_600,
  refreshLeadSeconds: 300,
  rateLimit: { limit: 10_000, windowMs: 1_000 },
  fleetEnvironment: { TOKEN_L1_MAX_STALENESS_MS: '600000' },
  // The upstream answers at once: the miss figure is our own overhead around a loopback login.
  simulator: { latencyMs: 0 },
};

interface Sizes {
  readonly l1: number;
  readonly l2: number;
  readonly miss: number;
}

async function timeLoop(
  operation: LatencyOperation,
  samples: number,
  world: StrategyWorld,
  counters: StrategyCounters,
  request: () => Promise<unknown>,
  beforeEach?: () => Promise<unknown>,
): Promise<LatencyFigures> {
  const timings = new Float64Array(samples);
  const loginsBefore = world.recorder.records.filter((record) => record.kind === 'login').length;
  const before = counters.snapshot();
  for (let index = 0; index < samples; index++) {
    if (beforeEach !== undefined) await beforeEach();
    const startedAt = performance.now();
    await request();
    timings[index] = (performance.now() - startedAt) * 1000;
  }
  const after = counters.snapshot();
  const logins = world.recorder.records.filter((record) => record.kind === 'login').length - loginsBefore;
  const calls = (snapshot: typeof after) => snapshot.dataApiCalls.token + snapshot.dataApiCalls.rateLimit;
  return {
    operation,
    label: LABELS[operation],
    latencyUs: percentiles(timings)!,
    dataApiCallsEach: (calls(after) - calls(before)) / samples,
    secretsReadsEach: (after.credentialReads - before.credentialReads) / samples,
    loginsEach: logins / samples,
  };
}

/** A container of the world's strategy with its own counters and settings on top of the world's. */
function container(world: StrategyWorld, strategy: StrategyId, extra: Record<string, string>) {
  const counters = new StrategyCounters();
  const base = world.dependencies.fleetEnvironment;
  const created: Container = createStrategy(strategy, {
    ...world.dependencies,
    counters,
    ...(base === undefined ? {} : { fleetEnvironment: { ...base, ...extra } }),
  }).createContainer();
  return { container: created, counters };
}

export async function measureLatency(
  environment: BenchEnvironment,
  strategies: readonly StrategyId[],
  quick: boolean,
): Promise<LatencyReport> {
  const sizes: Sizes = quick ? { l1: 20_000, l2: 100, miss: 20 } : { l1: 200_000, l2: 3_000, miss: 300 };
  const operations: LatencyFigures[] = [];

  if (strategies.includes('fleet-cache')) {
    const world = await createStrategyWorld(environment, {
      strategy: 'fleet-cache',
      profile: PROFILE,
      companies: 1,
    });
    const company = world.companies[0]!;
    const l1 = container(world, 'fleet-cache', {});
    const l2 = container(world, 'fleet-cache', { TOKEN_L1_MAX_STALENESS_MS: '0' });
    const store = createDataApiTokenStore(world.database!.executor);
    try {
      // Warm-up: the first login, the keyring and credentials reads, JIT.
      for (let index = 0; index < 1_000; index++) await l1.container.getToken(company.id);
      for (let index = 0; index < 20; index++) await l2.container.getToken(company.id);
      operations.push(
        await timeLoop('l1-hit', sizes.l1, world, l1.counters, () => l1.container.getToken(company.id)),
      );
      operations.push(
        await timeLoop('l2-hit', sizes.l2, world, l2.counters, () => l2.container.getToken(company.id)),
      );
      operations.push(
        await timeLoop(
          'miss',
          sizes.miss,
          world,
          l2.counters,
          () => l2.container.getToken(company.id),
          () => store.clear(company.id, 'latency benchmark'),
        ),
      );
    } finally {
      await l1.container.close();
      await l2.container.close();
      await world.close();
    }
  }

  if (strategies.includes('original-db')) {
    const world = await createStrategyWorld(environment, {
      strategy: 'original-db',
      profile: PROFILE,
      companies: 1,
    });
    const company = world.companies[0]!;
    const original = container(world, 'original-db', {});
    try {
      for (let index = 0; index < 20; index++) await original.container.getToken(company.id);
      operations.push(
        await timeLoop('original-hit', sizes.l2, world, original.counters, () =>
          original.container.getToken(company.id),
        ),
      );
    } finally {
      await original.container.close();
      await world.close();
    }
  }
  return { operations };
}
