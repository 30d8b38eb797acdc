export type LimitDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfterMs: number };

/**
 * A sliding log per key: a request at time t is admitted when fewer than `limit` admitted requests
 * have t - t' < windowMs. Exact for every window alignment, unlike fixed windows or token buckets.
 */
export class SlidingWindowLimiter {
  private readonly logs = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  take(key: string, nowMs: number): LimitDecision {
    const log = this.logs.get(key) ?? [];
    let expired = 0;
    while (expired < log.length && nowMs - (log[expired] as number) >= this.windowMs) expired += 1;
    if (expired > 0) log.splice(0, expired);
    if (log.length < this.limit) {
      log.push(nowMs);
      this.logs.set(key, log);
      return { allowed: true };
    }
    this.logs.set(key, log);
    // The oldest entry leaves the window (frees a slot) exactly windowMs after it was admitted.
    return { allowed: false, retryAfterMs: (log[0] as number) + this.windowMs - nowMs };
  }
}

/** Most timestamps inside any half-open window [t, t + windowMs); `sorted` must be ascending. */
export function maxInSlidingWindow(sorted: readonly number[], windowMs: number): number {
  let best = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last += 1) {
    while ((sorted[last] as number) - (sorted[first] as number) >= windowMs) first += 1;
    best = Math.max(best, last - first + 1);
  }
  return best;
}
