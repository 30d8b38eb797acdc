import { setTimeout as delay } from 'node:timers/promises';
import type { SqlExecutor } from '../data-api';
import { DatabaseUnavailableError, RateLimitExceededError } from '../errors';
import { LocalRateLimit } from './local-rate-limit';
import { TokenSupersededError } from './token-superseded-error';

/** A token a call is about to send: the take goes ahead only while it is still the company's current one. */
export interface TokenInUse {
  readonly companyId: string;
  readonly version: string;
}

export interface AcquireOptions {
  /** Epoch ms after which a denied caller gives up with RATE_LIMITED. */
  readonly deadline?: number;
  readonly signal?: AbortSignal;
  /**
   * Checked in the same statement as the take: when the company's token moved on (cleared, replaced,
   * invalidated), no slot is spent and `TokenSupersededError` is thrown.
   */
  readonly token?: TokenInUse;
}

/** A budget the limiter learned from upstream 429s, lower than the configured one. */
export interface LearnedRateLimit {
  readonly key: string;
  /** The limit in force now (it climbs back towards the configured one). */
  readonly limit: number;
  readonly configured: number;
}

/** The fleet-wide budget for upstream calls. Every container shares it through the database. */
export interface UpstreamRateLimiter {
  /** Waits for a slot for `key` until the deadline, then fails with RATE_LIMITED. */
  acquire(key: string, options?: AcquireOptions): Promise<void>;
  /** Pauses `key` fleet-wide, e.g. after an upstream 429 with Retry-After; `learn` lowers its budget. */
  block(key: string, durationMs: number, options?: { learn?: boolean }): Promise<void>;
  /** Budgets lowered by upstream 429s that have not recovered yet. */
  learnedLimits?(): Promise<LearnedRateLimit[]>;
}

export interface RateLimiterOptions {
  readonly executor: SqlExecutor;
  readonly maxRequests: number;
  /** The upstream window plus the safety margin. */
  readonly windowMs: number;
  /** Default wait budget when the caller gives no deadline. */
  readonly maxWaitMs: number;
  /**
   * Calls per window this container allows itself per key while the database cannot be reached
   * (see docs/architecture.md, "Degraded mode"). Default: a quarter of `maxRequests`, at least 1.
   */
  readonly degradedMaxRequests?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly onWait?: (info: { key: string; waitMs: number }) => void;
  /** Called when a call is allowed by the per-container budget because the database did not answer. */
  readonly onDegraded?: (info: { key: string; error: DatabaseUnavailableError }) => void;
  /** Longest block an upstream Retry-After may impose (a hostile or broken header cannot stop us for days). */
  readonly maxBlockMs?: number;
}

/** One lowered step of the learned budget is given back per this many windows without a 429. */
export const LEARNED_LIMIT_RECOVERY_WINDOWS = 10;

const TAKE_SQL = `
SELECT allowed, retry_after_ms, limit_in_force, true AS current
FROM bluestakes_rate_limit_take(:key, :limit, :windowMs)`;

// The token check gates the take (a one-time filter evaluated before the function runs), so a
// superseded token costs no slot.
const TAKE_FOR_TOKEN_SQL = `
WITH company AS (
  SELECT bluestakes_token_version AS version FROM companies
  WHERE id = CAST(:companyId AS bigint)
    AND bluestakes_token IS NOT NULL AND bluestakes_token_expires_at > now()
), take AS (
  SELECT allowed, retry_after_ms, limit_in_force FROM bluestakes_rate_limit_take(:key, :limit, :windowMs)
  WHERE (SELECT version FROM company) = CAST(:tokenVersion AS bigint)
)
SELECT (SELECT allowed FROM take) AS allowed, (SELECT retry_after_ms FROM take) AS retry_after_ms,
       (SELECT limit_in_force FROM take) AS limit_in_force, EXISTS (SELECT 1 FROM take) AS current`;

const BLOCK_SQL = `
SELECT bluestakes_rate_limit_block(:key, :seconds, :learn, :limit, :windowMs) AS limit_in_force`;

const LEARNED_SQL = `
SELECT key, limit_in_force FROM (
  SELECT r.key, bluestakes_rate_limit_in_force(:limit, r.learned_limit, r.learned_at, :windowMs, now())
           AS limit_in_force
  FROM bluestakes_rate_limits r WHERE r.learned_limit IS NOT NULL
) learned
WHERE limit_in_force < :limit
ORDER BY key`;

export function createDataApiRateLimiter(options: RateLimiterOptions): UpstreamRateLimiter {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? delay;
  const random = options.random ?? Math.random;
  const maxBlockMs = options.maxBlockMs ?? 600_000;
  const degradedMax = Math.max(1, options.degradedMaxRequests ?? Math.floor(options.maxRequests / 4));
  const local = new LocalRateLimit(options.windowMs);
  /** The last limit the database reported per key (lower than configured after a 429). */
  const limitInForce = new Map<string, number>();
  /** While the database is down, one caller at a time probes it; the others use the local budget. */
  let probing = false;
  let degraded = false;

  const sharedParams = (key: string) => ({ key, limit: options.maxRequests, windowMs: options.windowMs });

  function degradedLimit(key: string): number {
    const learned = limitInForce.get(key) ?? options.maxRequests;
    return Math.max(1, Math.min(degradedMax, Math.floor((degradedMax * learned) / options.maxRequests)));
  }

  /** The shared decision, or undefined when the database could not give one. */
  async function takeShared(key: string, token: TokenInUse | undefined) {
    const probe = degraded;
    if (probe && probing) return undefined;
    probing ||= probe;
    try {
      // One attempt: a caller must not wait out an outage when a local budget can decide for it.
      // Not idempotent either: a retried take after an applied one would spend two slots for one call.
      const { rows } = await options.executor.execute(
        token === undefined ? TAKE_SQL : TAKE_FOR_TOKEN_SQL,
        token === undefined
          ? sharedParams(key)
          : { ...sharedParams(key), companyId: token.companyId, tokenVersion: token.version },
        { retryBudgetMs: 0 },
      );
      degraded = false;
      return rows[0];
    } catch (error) {
      if (!(error instanceof DatabaseUnavailableError)) throw error;
      degraded = true;
      options.onDegraded?.({ key, error });
      return undefined;
    } finally {
      if (probe) probing = false;
    }
  }

  function deny(retryAfterMs: number, limit: number): never {
    throw new RateLimitExceededError(
      `The upstream rate limit (${limit} requests per window) has no free slot in time`,
      { retryAfterMs },
    );
  }

  return {
    async acquire(key, { deadline = now() + options.maxWaitMs, signal, token } = {}) {
      for (;;) {
        signal?.throwIfAborted();
        let waitMs = local.waitMs(key, Number.POSITIVE_INFINITY, now());
        if (waitMs === 0) {
          const row = await takeShared(key, token);
          if (row === undefined) {
            // The database did not answer (or another caller is probing it): this container's share.
            waitMs = local.waitMs(key, degradedLimit(key), now());
          } else {
            if (row.current === false) {
              throw new TokenSupersededError(token?.companyId);
            }
            if (row.limit_in_force !== null && row.limit_in_force !== undefined) {
              limitInForce.set(key, Number(row.limit_in_force));
            }
            waitMs = row.allowed === true ? 0 : Math.max(1, Number(row.retry_after_ms ?? options.windowMs));
          }
          if (waitMs === 0) {
            local.record(key, now());
            return;
          }
        }
        // A little jitter so waiting containers do not all come back in the same millisecond.
        const jitteredMs = waitMs + Math.floor(random() * 50);
        if (now() + jitteredMs > deadline) deny(waitMs, limitInForce.get(key) ?? options.maxRequests);
        options.onWait?.({ key, waitMs: jitteredMs });
        await sleep(jitteredMs);
      }
    },

    async block(key, durationMs, { learn = false } = {}) {
      const boundedMs = Math.min(Math.max(durationMs, 0), maxBlockMs);
      // This container honours the pause even when the shared block cannot be written.
      local.block(key, now() + boundedMs);
      try {
        const { rows } = await options.executor.execute(
          BLOCK_SQL,
          { ...sharedParams(key), seconds: boundedMs / 1000, learn },
          // A learning block applied twice would lower the budget twice.
          { idempotent: !learn, retryBudgetMs: 0 },
        );
        const learned = rows[0]?.limit_in_force;
        if (learned !== null && learned !== undefined) limitInForce.set(key, Number(learned));
      } catch (error) {
        if (!(error instanceof DatabaseUnavailableError)) throw error;
        if (learn) limitInForce.set(key, Math.max(1, (limitInForce.get(key) ?? options.maxRequests) - 1));
      }
    },

    async learnedLimits() {
      const { rows } = await options.executor.execute(
        LEARNED_SQL,
        { limit: options.maxRequests, windowMs: options.windowMs },
        { idempotent: true },
      );
      return rows.map((row) => ({
        key: String(row.key),
        limit: Number(row.limit_in_force),
        configured: options.maxRequests,
      }));
    },
  };
}
