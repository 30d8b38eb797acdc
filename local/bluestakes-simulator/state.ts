import { performance } from 'node:perf_hooks';
import type { AccountRegistry } from './accounts';
import { applySwitches } from './config';
import type { FaultInjector } from './faults';
import type { SeededRandom } from './random';
import { type LimitDecision, SlidingWindowLimiter } from './rate-limiter';
import type { StatsRecorder } from './stats';
import type { TicketStore } from './ticket-store';
import type { SimulatorSwitches } from './types';

export interface SimulatorParts {
  readonly switches: SimulatorSwitches;
  readonly accounts: AccountRegistry;
  readonly tickets: TicketStore;
  readonly faults: FaultInjector;
  readonly stats: StatsRecorder;
  readonly random: SeededRandom;
  /** Milliseconds for the rate limiter. @default performance.now */
  readonly clock?: () => number;
}

function limiterFor(switches: SimulatorSwitches): SlidingWindowLimiter | null {
  return switches.rateLimit
    ? new SlidingWindowLimiter(switches.rateLimit.limit, switches.rateLimit.windowMs)
    : null;
}

/** Everything a request handler may read or change, in one place. */
export class SimulatorState {
  readonly accounts: AccountRegistry;
  readonly tickets: TicketStore;
  readonly faults: FaultInjector;
  readonly stats: StatsRecorder;
  readonly random: SeededRandom;
  private current: SimulatorSwitches;
  private limiter: SlidingWindowLimiter | null;
  private readonly clock: () => number;

  constructor(parts: SimulatorParts) {
    this.clock = parts.clock ?? (() => performance.now());
    this.accounts = parts.accounts;
    this.tickets = parts.tickets;
    this.faults = parts.faults;
    this.stats = parts.stats;
    this.random = parts.random;
    this.current = parts.switches;
    this.limiter = limiterFor(parts.switches);
  }

  get switches(): SimulatorSwitches {
    return this.current;
  }

  /** Throws SimulatorConfigError on an invalid patch; any `rateLimit` key starts the limiter afresh. */
  configure(patch: unknown): SimulatorSwitches {
    this.current = applySwitches(this.current, patch);
    if (typeof patch === 'object' && patch !== null && 'rateLimit' in patch)
      this.limiter = limiterFor(this.current);
    return this.current;
  }

  /** Takes a rate-limit slot for a well-formed login or an authenticated ticket call. */
  admit(account: string, login: boolean): LimitDecision {
    const now = this.clock();
    const limit = this.current.rateLimit;
    if (this.limiter && limit && (!login || limit.countLogins)) {
      const decision = this.limiter.take(limit.scope === 'global' ? 'global' : account, now);
      if (!decision.allowed) return decision;
    }
    this.stats.accept(now, account, login);
    return { allowed: true };
  }

  latencyMs(): number {
    const latency = this.current.latencyMs;
    return typeof latency === 'number' ? latency : this.random.between(latency.min, latency.max);
  }
}
