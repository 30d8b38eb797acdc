/**
 * Which Data API failures may be retried, and how long to wait. Classified by the error's name (the
 * SDK's typed exceptions), never by HTTP status alone.
 *
 * - `DatabaseResumingException`: the statement did not run; always safe to retry.
 * - `DatabaseUnavailableException`, `ServiceUnavailableError`, `InternalServerErrorException`,
 *   `StatementTimeoutException`: the statement may have run; retried only for idempotent statements.
 */

const RESUMING_MESSAGE = /is resuming after being auto-paused/i;
const MAYBE_APPLIED = new Set([
  'DatabaseUnavailableException',
  'ServiceUnavailableError',
  'InternalServerErrorException',
  'StatementTimeoutException',
]);

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

export function isResumingError(error: unknown): boolean {
  return (
    errorName(error) === 'DatabaseResumingException' ||
    (error instanceof Error && RESUMING_MESSAGE.test(error.message))
  );
}

/** A failure after which the statement may or may not have been applied. */
export function isMaybeAppliedError(error: unknown): boolean {
  const name = errorName(error);
  return name !== undefined && MAYBE_APPLIED.has(name);
}

export function isRetryable(error: unknown, idempotent: boolean): boolean {
  return isResumingError(error) || (idempotent && isMaybeAppliedError(error));
}

/** Delay before attempt `attempt` (1-based retries): 0.5 s, 1 s, 2 s, 4 s, capped at 8 s, with full jitter. */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(8_000, 500 * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
