import { createFleetCacheStrategy } from './fleet-cache-strategy';
import { createNoCacheStrategy } from './no-cache-strategy';
import { createOriginalDbStrategy } from './original-db-strategy';
import { createProcessSingleFlightStrategy } from './process-single-flight-strategy';
import { createProcessTtlStrategy } from './process-ttl-strategy';
import type { StrategyDependencies, StrategyId, TokenStrategy } from './token-strategy';

export * from './token-strategy';

const FACTORIES: Readonly<Record<StrategyId, (deps: StrategyDependencies) => TokenStrategy>> = {
  'no-cache': createNoCacheStrategy,
  'process-single-flight': createProcessSingleFlightStrategy,
  'process-ttl': createProcessTtlStrategy,
  'original-db': createOriginalDbStrategy,
  'fleet-cache': createFleetCacheStrategy,
};

export function createStrategy(id: StrategyId, deps: StrategyDependencies): TokenStrategy {
  return FACTORIES[id](deps);
}

/** Strategies that keep their state in the database (and so need one). */
export function usesDatabase(id: StrategyId): boolean {
  return id === 'original-db' || id === 'fleet-cache';
}
