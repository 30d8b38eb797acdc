/** How a backoff delay is spread below its exponential ceiling. */
export type BackoffJitter =
  /** Exactly the ceiling: retries whose timing tests and benchmarks count on. */
  | 'none'
  /**
   * Half the ceiling plus a random share of the other half: callers still spread out, and every wait
   * is at least half the ceiling, so a fixed number of retries always covers a known time.
   */
  | 'equal'
  /** Anywhere from zero to the ceiling: the widest spread, but a wait may be close to nothing. */
  | 'full';

export interface BackoffOptions {
  /** 1 for the wait after the first failure. */
  readonly attempt: number;
  /** The ceiling of the first wait; it doubles per attempt. */
  readonly baseMs: number;
  /** No ceiling grows past this. @default no cap */
  readonly capMs?: number;
  readonly jitter: BackoffJitter;
  /** Uniform in [0, 1); injected so tests pin the delay. @default Math.random */
  readonly random?: () => number;
}

/** The wait before retry `attempt`: `baseMs * 2^(attempt - 1)`, capped, then jittered, in whole ms. */
export function backoffDelayMs(options: BackoffOptions): number {
  const { attempt, baseMs, capMs = Number.POSITIVE_INFINITY, jitter, random = Math.random } = options;
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  switch (jitter) {
    case 'none':
      return Math.round(ceiling);
    case 'equal':
      return Math.round(ceiling / 2 + (random() * ceiling) / 2);
    case 'full':
      return Math.round(random() * ceiling);
  }
}
