/** Turns what was recorded during one measured phase into the figures the report shows. */
import type { SimulatorStats } from '../../local/bluestakes-simulator';
import type { CountersSnapshot } from '../environment/strategy-counters';
import type { UpstreamRequestRecord } from '../environment/upstream-recorder';
import type { CallerOutcome } from '../scenarios/caller-tracker';
import type { UpstreamLimit } from '../scenarios/scenario';
import type { StrategyId } from '../strategies';
import { maxInSlidingWindow, type Percentiles, percentiles } from './statistics';

export interface MeasuredFigures {
  readonly strategy: StrategyId;
  readonly applicable: true;
  /** Set when the scenario itself broke for this strategy (the figures are then partial). */
  readonly error?: string;
  readonly durationMs: number;
  readonly companies: number;
  readonly lifetimes: number;
  /** Login requests sent upstream, answered or refused. */
  readonly logins: number;
  /** Login requests answered 200. */
  readonly loginsAccepted: number;
  /** logins / (companies x lifetimes); null when no lifetime began in the measured phase. */
  readonly loginsPerCompanyPerLifetime: number | null;
  /** How long a token is used before it is replaced (lifetime minus lead). */
  readonly refreshPeriodMs: number;
  /** Shortest time between two login requests for the same account; null with fewer than two. */
  readonly closestLoginsMs: number | null;
  readonly upstreamRequests: number;
  readonly upstream401: number;
  readonly upstream429: number;
  readonly limit: UpstreamLimit;
  /** Most requests sent for one account within any window of the upstream's length. */
  readonly maxSentInWindow: number;
  /** The same, counted by the simulator over what it admitted (never above its limit). */
  readonly maxAcceptedInWindow: number;
  readonly callerRequests: number;
  readonly callerFailures: number;
  readonly failuresByCode: Readonly<Record<string, number>>;
  readonly callerLatencyMs: Percentiles | null;
  readonly tokenRequests: number;
  readonly dataApiCalls: {
    readonly token: number;
    readonly rateLimit: number;
    readonly emulator: number;
  } | null;
  readonly dataApiCallsPerTokenRequest: number | null;
  readonly credentialReads: number;
  readonly secretsReadsPerLogin: number | null;
  readonly metrics: CountersSnapshot['metrics'];
}

export interface NotApplicableFigures {
  readonly strategy: StrategyId;
  readonly applicable: false;
  readonly reason: string;
}

export type StrategyFigures = MeasuredFigures | NotApplicableFigures;

export interface MeasuredPhase {
  readonly strategy: StrategyId;
  readonly error?: string;
  readonly durationMs: number;
  readonly companies: number;
  readonly lifetimes: number;
  readonly refreshPeriodMs: number;
  readonly limit: UpstreamLimit;
  readonly records: readonly UpstreamRequestRecord[];
  readonly simulator: SimulatorStats;
  readonly counters: CountersSnapshot;
  readonly callers: readonly CallerOutcome[];
  /** Data API calls the strategy's emulator saw; null for strategies without a database. */
  readonly emulatorCalls: number | null;
}

function maxSentPerAccount(records: readonly UpstreamRequestRecord[], windowMs: number): number {
  const byAccount = new Map<string, number[]>();
  for (const record of records) {
    const key = record.account ?? '?';
    const times = byAccount.get(key) ?? [];
    times.push(record.atMs);
    byAccount.set(key, times);
  }
  let best = 0;
  for (const times of byAccount.values()) best = Math.max(best, maxInSlidingWindow(times, windowMs));
  return best;
}

function closestPerAccount(records: readonly UpstreamRequestRecord[]): number | null {
  const last = new Map<string, number>();
  let closest: number | null = null;
  for (const record of records) {
    const key = record.account ?? '?';
    const previous = last.get(key);
    if (previous !== undefined)
      closest = Math.min(closest ?? Number.POSITIVE_INFINITY, record.atMs - previous);
    last.set(key, record.atMs);
  }
  return closest;
}

const ratio = (numerator: number, denominator: number) => (denominator > 0 ? numerator / denominator : null);

export function computeFigures(phase: MeasuredPhase): MeasuredFigures {
  const logins = phase.records.filter((record) => record.kind === 'login');
  const failures: Record<string, number> = {};
  for (const outcome of phase.callers) {
    if (outcome.failure !== undefined) failures[outcome.failure] = (failures[outcome.failure] ?? 0) + 1;
  }
  const withStatus = (status: number) => phase.records.filter((record) => record.status === status).length;
  const { token, rateLimit } = phase.counters.dataApiCalls;
  const usesDatabase = phase.emulatorCalls !== null;
  return {
    strategy: phase.strategy,
    applicable: true,
    ...(phase.error === undefined ? {} : { error: phase.error }),
    durationMs: phase.durationMs,
    companies: phase.companies,
    lifetimes: phase.lifetimes,
    logins: logins.length,
    loginsAccepted: logins.filter((record) => record.status === 200).length,
    loginsPerCompanyPerLifetime: ratio(logins.length, phase.companies * phase.lifetimes),
    refreshPeriodMs: phase.refreshPeriodMs,
    closestLoginsMs: closestPerAccount(logins),
    upstreamRequests: phase.records.length,
    upstream401: withStatus(401),
    upstream429: withStatus(429),
    limit: phase.limit,
    maxSentInWindow: maxSentPerAccount(phase.records, phase.limit.windowMs),
    maxAcceptedInWindow: Math.max(0, ...Object.values(phase.simulator.maxAcceptedInWindow.byKey)),
    callerRequests: phase.callers.length,
    callerFailures: Object.values(failures).reduce((sum, count) => sum + count, 0),
    failuresByCode: failures,
    callerLatencyMs: percentiles(phase.callers.map((outcome) => outcome.latencyMs)),
    tokenRequests: phase.counters.tokenRequests,
    dataApiCalls: usesDatabase ? { token, rateLimit, emulator: phase.emulatorCalls ?? 0 } : null,
    dataApiCallsPerTokenRequest: usesDatabase ? ratio(token, phase.counters.tokenRequests) : null,
    credentialReads: phase.counters.credentialReads,
    secretsReadsPerLogin: ratio(phase.counters.credentialReads, logins.length),
    metrics: phase.counters.metrics,
  };
}
