import { maxInSlidingWindow } from './rate-limiter';
import type { MaxAcceptedInWindow, SimulatorStats, SimulatorSwitches } from './types';

interface Accepted {
  readonly atMs: number;
  readonly account: string;
  readonly login: boolean;
}

function bump(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** Counters for assertions; kept in memory until `reset()`. */
export class StatsRecorder {
  private totalRequests = 0;
  private tokensIssued = 0;
  private rateLimited = 0;
  private readonly logins = new Map<string, { ok: number; failed: number }>();
  private readonly byAccount = new Map<string, number>();
  private readonly byEndpoint = new Map<string, number>();
  private readonly byStatus = new Map<string, number>();
  private readonly faults = { status: 0, hang: 0, drop: 0 };
  /** Every request the limiter saw and let through, in arrival order (so already sorted by time). */
  private accepted: Accepted[] = [];

  request(endpoint: string): void {
    this.totalRequests += 1;
    bump(this.byEndpoint, endpoint);
  }

  account(username: string): void {
    bump(this.byAccount, username);
  }

  response(status: number): void {
    bump(this.byStatus, String(status));
    if (status === 429) this.rateLimited += 1;
  }

  login(username: string, ok: boolean, newToken: boolean): void {
    const entry = this.logins.get(username) ?? { ok: 0, failed: 0 };
    if (ok) entry.ok += 1;
    else entry.failed += 1;
    this.logins.set(username, entry);
    if (newToken) this.tokensIssued += 1;
  }

  fault(kind: 'status' | 'hang' | 'drop'): void {
    this.faults[kind] += 1;
  }

  accept(atMs: number, account: string, login: boolean): void {
    this.accepted.push({ atMs, account, login });
  }

  reset(): void {
    this.totalRequests = 0;
    this.tokensIssued = 0;
    this.rateLimited = 0;
    this.logins.clear();
    this.byAccount.clear();
    this.byEndpoint.clear();
    this.byStatus.clear();
    this.faults.status = 0;
    this.faults.hang = 0;
    this.faults.drop = 0;
    this.accepted = [];
  }

  snapshot(switches: SimulatorSwitches): SimulatorStats {
    return {
      totalRequests: this.totalRequests,
      logins: Object.fromEntries([...this.logins].map(([name, entry]) => [name, { ...entry }])),
      tokensIssued: this.tokensIssued,
      requestsByAccount: Object.fromEntries(this.byAccount),
      requestsByEndpoint: Object.fromEntries(this.byEndpoint),
      responsesByStatus: Object.fromEntries(this.byStatus),
      rateLimited: this.rateLimited,
      faultsInjected: { ...this.faults },
      maxAcceptedInWindow: this.maxAccepted(switches),
      loginArrivalsMs: this.loginArrivals(),
    };
  }

  private loginArrivals(): Record<string, number[]> {
    const arrivals: Record<string, number[]> = {};
    for (const entry of this.accepted) {
      if (!entry.login) continue;
      arrivals[entry.account] = [...(arrivals[entry.account] ?? []), entry.atMs];
    }
    return arrivals;
  }

  /** Uses the limit's current window, scope and login rule, so the figure matches what is configured. */
  private maxAccepted(switches: SimulatorSwitches): MaxAcceptedInWindow {
    const limit = switches.rateLimit;
    const windowMs = limit?.windowMs ?? switches.statsWindowMs;
    const countLogins = limit?.countLogins ?? true;
    const relevant = this.accepted.filter((entry) => countLogins || !entry.login);
    const groups = new Map<string, number[]>();
    for (const entry of relevant) {
      const key = limit?.scope === 'global' ? 'global' : entry.account;
      const times = groups.get(key) ?? [];
      times.push(entry.atMs);
      groups.set(key, times);
    }
    const byKey: Record<string, number> = {};
    for (const [key, times] of groups) byKey[key] = maxInSlidingWindow(times, windowMs);
    return {
      windowMs,
      overall: maxInSlidingWindow(
        relevant.map((entry) => entry.atMs),
        windowMs,
      ),
      byKey,
    };
  }
}
