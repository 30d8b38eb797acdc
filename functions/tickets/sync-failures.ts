/** How a sync run reads a failure: wait for the budget, back off, continue later, park or fail. */
import {
  CredentialsNotFoundError,
  CredentialsRejectedError,
  DatabaseError,
  DatabaseUnavailableError,
  LoginHeldError,
  RateLimitExceededError,
  TokenServiceError,
  TokenUnavailableError,
  UpstreamRateLimitedError,
  UpstreamUnavailableError,
} from '@bluestakes/token-manager';
import { backoffDelayMs } from '@bluestakes/token-manager/internal';

/** When a rate-limit error carries no hint, the next slot is assumed this far away. */
const UNKNOWN_SLOT_WAIT_MS = 1000;

/**
 * The wait before retry `attempt` through an outage: 250 ms, doubling, no jitter. A run makes only a
 * few attempts, and an outage that says how long it lasts (Retry-After) is waited out instead.
 */
export function outageBackoffMs(attempt: number): number {
  return backoffDelayMs({ attempt, baseMs: 250, jitter: 'none' });
}

/** The budget is busy (or the upstream is backing off) beyond this run's deadline: save and continue later. */
export class ContinueLater extends Error {
  constructor(
    readonly waitMs: number,
    readonly reason: string | null,
  ) {
    super('The run continues later');
    this.name = 'ContinueLater';
  }
}

/** Another run took the job over (this run's lease expired): stop without writing. */
export class JobTakenOver extends Error {
  constructor() {
    super('Another run holds the sync job');
    this.name = 'JobTakenOver';
  }
}

/** `code: message` of an error, for `last_error`; the library's messages never hold secrets. */
export function describeError(error: unknown): string {
  if (error instanceof TokenServiceError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : 'UNKNOWN: unexpected failure';
}

/** Rejected or missing credentials: no run can do anything until someone stores new ones. */
export function needsNewCredentials(error: unknown): boolean {
  return (
    error instanceof CredentialsRejectedError ||
    error instanceof CredentialsNotFoundError ||
    (error instanceof LoginHeldError && error.reason === 'credentials_rejected')
  );
}

/** How long until the budget has a slot for us; undefined when the error is not about the budget. */
export function budgetWaitMs(error: unknown): number | undefined {
  if (error instanceof RateLimitExceededError || error instanceof UpstreamRateLimitedError) {
    return Math.max(1, error.retryAfterMs ?? UNKNOWN_SLOT_WAIT_MS);
  }
  // Logins held after upstream failures: the layer says when it tries again; nothing to do before.
  if (error instanceof LoginHeldError && error.reason === 'upstream_failing') {
    return Math.max(1, error.retryAfterMs ?? UNKNOWN_SLOT_WAIT_MS);
  }
  return undefined;
}

/** Backoff for an outage worth another attempt; undefined for anything a retry cannot fix. */
export function outageWaitMs(error: unknown, attempt: number): number | undefined {
  if (
    error instanceof UpstreamUnavailableError ||
    error instanceof TokenUnavailableError ||
    error instanceof DatabaseUnavailableError
  ) {
    return Math.max(error.retryAfterMs ?? 0, outageBackoffMs(attempt));
  }
  return undefined;
}

/**
 * A store call that failed on the way (connection reset, timeout) rather than in SQL: the job's
 * progress is in the database, so the run picks up from there after a pause.
 */
export function isTransientStoreFailure(error: unknown): boolean {
  return (
    error instanceof DatabaseUnavailableError ||
    (error instanceof DatabaseError && error.sqlState === undefined)
  );
}
