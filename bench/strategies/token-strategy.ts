/** The one interface every strategy in the benchmark sits behind. */
import type { Environment } from '@bluestakes/token-manager';
import type { Dispatcher } from 'undici';
import type { BenchDatabase } from '../environment/bench-database';
import type { StrategyCounters } from '../environment/strategy-counters';

export const STRATEGY_IDS = [
  'no-cache',
  'process-single-flight',
  'process-ttl',
  'original-db',
  'fleet-cache',
] as const;

export type StrategyId = (typeof STRATEGY_IDS)[number];

export const STRATEGY_LABELS: Readonly<Record<StrategyId, string>> = {
  'no-cache': '(a) no cache',
  'process-single-flight': '(b) per-process + single-flight',
  'process-ttl': '(c) per-process TTL',
  'original-db': '(d) original (DB check-then-act)',
  'fleet-cache': '(e) ours (fleet-wide)',
};

/** One Lambda container: its own memory, its own clients. */
export interface Container {
  getToken(companyId: string): Promise<string>;
  /** One authenticated ticket call with this strategy's 401 handling. */
  call(companyId: string, ticketNumber: string): Promise<void>;
  close(): Promise<void>;
}

export interface TokenStrategy {
  readonly id: StrategyId;
  createContainer(): Container;
}

/** Token timing shared by every strategy, so "a lifetime" means the same for all of them. */
export interface TokenTiming {
  /** What the upstream grants (JWT exp) and what a cache may assume. */
  readonly lifetimeSeconds: number;
  /** A token is replaced this long before it expires (the original's 5-minute buffer, scaled). */
  readonly refreshLeadSeconds: number;
  readonly loginTimeoutMs: number;
  readonly requestTimeoutMs: number;
}

export interface StrategyDependencies {
  readonly simulatorUrl: string;
  /** Records every upstream request; shared by the strategy's containers. */
  readonly dispatcher: Dispatcher;
  readonly secretsEndpoint: string;
  /** Credentials live at `<prefix>/companies/<id>/bluestakes`. */
  readonly secretPrefix: string;
  readonly counters: StrategyCounters;
  readonly timing: TokenTiming;
  /** Needed by the strategies that keep state in the database. */
  readonly database?: BenchDatabase;
  /** Our token manager's settings (environment strings), including the database and endpoints. */
  readonly fleetEnvironment?: Environment;
}
