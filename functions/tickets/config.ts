import type { Environment } from '@bluestakes/token-manager';
import {
  type DatabaseSettings,
  optionalInteger,
  optionalString,
  readDatabaseSettings,
  requiredString,
} from '@bluestakes/token-manager/internal';

/**
 * The database the tickets live in: the layer's own settings (`DATABASE_RESOURCE_ARN`, ...), read
 * through the layer's reader so both always agree.
 */
export function readTicketsDatabase(env: Environment): DatabaseSettings {
  return readDatabaseSettings(env);
}

/** Settings of the ticket consumers (all optional), read once and validated (errors name the variable). */
export interface TicketsConfig {
  /** `TICKET_SYNC_QUEUE_URL`; only the functions that enqueue need it (checked when the queue is built). */
  readonly syncQueueUrl: string | undefined;
  /** `TICKET_LOCATION_MAX_AGE_SECONDS`: a stored location younger than this is served without a Bluestakes call. */
  readonly locationMaxAgeSeconds: number;
  /** `TICKET_SYNC_DAYS_BACK`: the search window when a request names none. */
  readonly defaultDaysBack: number;
  /** `TICKET_SYNC_CONCURRENCY`: tickets fetched at once within one company's sync. */
  readonly syncConcurrency: number;
  /** `TICKET_SYNC_SAFETY_MARGIN_MS`: a sync stops starting work this long before the Lambda deadline. */
  readonly syncSafetyMarginMs: number;
  /** `TICKET_SYNC_HTTP_BUDGET_MS`: how long `POST /tickets/sync` for one company may sync inline (API Gateway stops at 29 s). */
  readonly httpSyncBudgetMs: number;
  /**
   * The layer's `RATE_LIMIT_MAX_WAIT_MS` (same default): a call the limiter admits may wait this long
   * for its slot, so a run stops starting calls this long before the time it must answer by.
   */
  readonly upstreamMaxWaitMs: number;
}

/**
 * Reads the ticket settings from `env`.
 *
 * @throws ConfigurationError naming the first missing or malformed variable
 */
export function readTicketsConfig(env: Environment): TicketsConfig {
  return {
    syncQueueUrl: optionalString(env, 'TICKET_SYNC_QUEUE_URL'),
    locationMaxAgeSeconds: optionalInteger(env, 'TICKET_LOCATION_MAX_AGE_SECONDS', 3600, {
      min: 0,
      max: 7 * 86_400,
    }),
    defaultDaysBack: optionalInteger(env, 'TICKET_SYNC_DAYS_BACK', 28, { min: 1, max: 365 }),
    syncConcurrency: optionalInteger(env, 'TICKET_SYNC_CONCURRENCY', 4, { min: 1, max: 32 }),
    syncSafetyMarginMs: optionalInteger(env, 'TICKET_SYNC_SAFETY_MARGIN_MS', 30_000, {
      min: 0,
      max: 600_000,
    }),
    httpSyncBudgetMs: optionalInteger(env, 'TICKET_SYNC_HTTP_BUDGET_MS', 15_000, {
      min: 1000,
      max: 28_000,
    }),
    upstreamMaxWaitMs: optionalInteger(env, 'RATE_LIMIT_MAX_WAIT_MS', 10_000, { min: 0, max: 300_000 }),
  };
}

/** The queue URL, or the error that names the variable to set. */
export function requireSyncQueueUrl(config: TicketsConfig): string {
  return config.syncQueueUrl ?? requiredString({}, 'TICKET_SYNC_QUEUE_URL');
}

let cached: TicketsConfig | undefined;

/** The container's ticket settings, read from `process.env` on first use (so importing never throws). */
export function ticketsConfig(): TicketsConfig {
  cached ??= readTicketsConfig(process.env);
  return cached;
}
