import { setTimeout as delay } from 'node:timers/promises';
import type { SqlExecutor } from '../data-api';
import { RateLimitExceededError } from '../errors';

/** The fleet-wide budget for upstream calls. Every container shares it through the database. */
export interface UpstreamRateLimiter {
  /** Waits for a slot for `key` until `deadline` (epoch ms), then fails with RATE_LIMITED. */
  acquire(key: string, options?: { deadline?: number; signal?: AbortSignal }): Promise<void>;
  /** Pauses `key` fleet-wide, e.g. after an upstream 429 with Retry-After. */
  block(key: string, durationMs: number): Promise<void>;
}

export interface RateLimiterOptions {
  readonly executor: SqlExecutor;
  readonly maxRequests: number;
  /** The upstream window plus the safety margin. */
  readonly windowMs: number;
  /** Default wait budget when the caller gives no deadline. */
  readonly maxWaitMs: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly onWait?: (info: { key: string; waitMs: number }) => void;
  /** Longest block an upstream Retry-After may impose (a hostile or broken header cannot stop us for days). */
  readonly maxBlockMs?: number;
}

const TAKE_SQL = 'SELECT allowed, retry_after_ms FROM bluestakes_rate_limit_take(:key, :limit, :windowMs)';
const BLOCK_SQL = `
INSERT INTO bluestakes_rate_limits AS r (key, blocked_until, updated_at)
VALUES (:key, now() + make_interval(secs => :seconds), now())
ON CONFLICT (key) DO UPDATE
SET blocked_until = GREATEST(COALESCE(r.blocked_until, now()), EXCLUDED.blocked_until),
    updated_at = now()`;

export function createDataApiRateLimiter(options: RateLimiterOptions): UpstreamRateLimiter {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? delay;
  const random = options.random ?? Math.random;
  const maxBlockMs = options.maxBlockMs ?? 600_000;

  return {
    async acquire(key, { deadline = now() + options.maxWaitMs, signal } = {}) {
      for (;;) {
        signal?.throwIfAborted();
        // Not idempotent: a retried take after an applied one would spend two slots for one call.
        const { rows } = await options.executor.execute(TAKE_SQL, {
          key,
          limit: options.maxRequests,
          windowMs: options.windowMs,
        });
        const row = rows[0];
        if (row?.allowed === true) return;
        const retryAfterMs = Math.max(1, Number(row?.retry_after_ms ?? options.windowMs));
        // A little jitter so waiting containers do not all come back in the same millisecond.
        const waitMs = retryAfterMs + Math.floor(random() * 50);
        if (now() + waitMs > deadline) {
          throw new RateLimitExceededError(
            `The upstream rate limit (${options.maxRequests} requests per window) has no free slot in time`,
            { retryAfterMs },
          );
        }
        options.onWait?.({ key, waitMs });
        await sleep(waitMs);
      }
    },

    async block(key, durationMs) {
      const seconds = Math.min(Math.max(durationMs, 0), maxBlockMs) / 1000;
      await options.executor.execute(BLOCK_SQL, { key, seconds }, { idempotent: true });
    },
  };
}
