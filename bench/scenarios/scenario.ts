/** What a scenario is and what it gets to work with. */
import type { Environment } from '@bluestakes/token-manager';
import type { BluestakesSimulator, SimulatorSwitchesPatch } from '../../local/bluestakes-simulator';
import type { BenchDatabase } from '../environment/bench-database';
import type { Container, StrategyId, TokenStrategy } from '../strategies';
import type { CallerTracker } from './caller-tracker';

export interface UpstreamLimit {
  readonly limit: number;
  readonly windowMs: number;
}

/** The scaled-down world a scenario runs in. */
export interface ScenarioProfile {
  readonly lifetimeSeconds: number;
  readonly refreshLeadSeconds: number;
  /** The upstream's limit per account (logins count), which ours is configured to match. */
  readonly rateLimit: UpstreamLimit;
  /** Extra simulator switches (latency, ...). */
  readonly simulator?: SimulatorSwitchesPatch;
  /** Extra settings for our token manager. */
  readonly fleetEnvironment?: Environment;
}

/** Which of the benchmark's targets apply to this scenario (for ours). */
export interface ScenarioTargets {
  /** The upstream login works throughout: exactly one login per company per lifetime is expected. */
  readonly upstreamWorks: boolean;
  /** Our configured limit is the upstream's real one: zero 429s are expected. */
  readonly limitMatchesUpstream: boolean;
  /** A valid token exists or can be had: zero caller failures are expected. */
  readonly validTokenExists: boolean;
}

export interface BenchCompany {
  readonly id: string;
  readonly username: string;
  /** A ticket the account owns, for authenticated calls. */
  readonly ticket: string;
}

export interface ScenarioContext {
  readonly strategy: TokenStrategy;
  readonly companies: readonly BenchCompany[];
  readonly simulator: BluestakesSimulator;
  /** The strategy's database, when it keeps state there. */
  readonly database: BenchDatabase | undefined;
  readonly profile: ScenarioProfile;
  readonly callers: CallerTracker;
  /** New containers (each with its own memory and clients); closed by the runner. */
  containers(count: number): Container[];
  /** Lets warm-up logins through unthrottled, so every strategy starts the measured phase warm. */
  liftUpstreamLimit(): void;
  /** Puts the profile's limit back (the simulator's sliding log starts empty). */
  restoreUpstreamLimit(): void;
  /** Zeroes every counter: what happened before is warm-up. */
  beginMeasurement(): void;
}

export interface ScenarioRunResult {
  /** Token lifetimes an ideal fleet-wide cache needs per company in the measured phase (0: none). */
  readonly lifetimes: number;
}

export interface ScenarioDefinition {
  readonly id: string;
  readonly title: string;
  /** One line for the docs and the report. */
  readonly summary: string;
  /** Strategies for which the scenario means something; the others are reported n/a. */
  readonly strategies: readonly StrategyId[];
  /** Why the others are n/a. */
  readonly notApplicableReason?: string;
  readonly profile: ScenarioProfile;
  readonly companies: number;
  /** The companies' stored credentials are wrong. */
  readonly wrongPassword?: boolean;
  readonly targets: ScenarioTargets;
  run(context: ScenarioContext): Promise<ScenarioRunResult>;
}

/** Settings shared by most scenarios: Bluestakes' one known figure, 10 requests per window. */
export const UPSTREAM_LIMIT: UpstreamLimit = { limit: 10, windowMs: 1_000 };

/**
 * How long the upstream takes to answer any request (logins included). Real logins take 200-500 ms;
 * scaled down, but kept well above a Data API round trip, because the time a login takes is the
 * window in which check-then-act caches race each other.
 */
export const UPSTREAM_LATENCY = { min: 40, max: 80 } as const;

/** A lifetime long enough that no refresh falls inside the scenario. */
export const LONG_LIFETIME = { lifetimeSeconds: 120, refreshLeadSeconds: 10 } as const;
