/**
 * Which Data API failures may be retried, and how long to wait. Classified by the error's name (the
 * SDK's typed exceptions) and, for failures below HTTP, by the socket error's code, never by HTTP
 * status alone.
 *
 * - `DatabaseResumingException`: the statement did not run; always safe to retry.
 * - A connection that was never made (refused, DNS failure): the statement did not run, but the
 *   endpoint is down rather than resuming, so it fails at once as DATABASE_UNAVAILABLE instead of
 *   spending the budget (callers with a fallback, such as the limiter, move on at once).
 * - `DatabaseUnavailableException`, `ServiceUnavailableError`, `InternalServerErrorException`,
 *   `StatementTimeoutException`, and a connection reset, dropped or timed out after the request was
 *   sent: the statement may have run; retried only for idempotent statements.
 */

import { backoffDelayMs } from './backoff';

const RESUMING_MESSAGE = /is resuming after being auto-paused/i;
const MAYBE_APPLIED = new Set([
  'DatabaseUnavailableException',
  'ServiceUnavailableError',
  'InternalServerErrorException',
  'StatementTimeoutException',
]);
/** Socket failures before the request was written: the service never saw it. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);
/** Socket failures after the request may have been written: its outcome is unknown. */
const DROPPED_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);
/** The SDK's node http handler names its request and socket timeouts `TimeoutError`. */
const DROPPED_NAMES = new Set(['TimeoutError']);
const DROPPED_MESSAGE = /socket hang up|ECONNRESET|connection (?:was )?(?:reset|closed)/i;

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

/** The socket error code of `error` or of one of its causes. */
function socketCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth++) {
    if (typeof current !== 'object') return undefined;
    if ('code' in current && typeof current.code === 'string') return current.code;
    current = 'cause' in current ? current.cause : undefined;
  }
  return undefined;
}

export function isResumingError(error: unknown): boolean {
  return (
    errorName(error) === 'DatabaseResumingException' ||
    (error instanceof Error && RESUMING_MESSAGE.test(error.message))
  );
}

/** A connection to the Data API that was never made: the statement certainly did not run. */
export function isNotSentError(error: unknown): boolean {
  const code = socketCode(error);
  return code !== undefined && NOT_SENT_CODES.has(code);
}

/** A connection reset, dropped or timed out under a sent request: the statement may have run. */
export function isDroppedConnectionError(error: unknown): boolean {
  if (isNotSentError(error)) return false;
  const code = socketCode(error);
  if (code !== undefined && DROPPED_CODES.has(code)) return true;
  const name = errorName(error);
  if (name !== undefined && DROPPED_NAMES.has(name)) return true;
  return error instanceof Error && DROPPED_MESSAGE.test(error.message) && !('$metadata' in error);
}

/** A failure after which the statement may or may not have been applied. */
export function isMaybeAppliedError(error: unknown): boolean {
  const name = errorName(error);
  return (name !== undefined && MAYBE_APPLIED.has(name)) || isDroppedConnectionError(error);
}

/** The cluster's Data API (HTTP endpoint) is switched off: no retry helps, an operator must enable it. */
export function isEndpointNotEnabledError(error: unknown): boolean {
  return errorName(error) === 'HttpEndpointNotEnabledException';
}

export function isRetryable(error: unknown, idempotent: boolean): boolean {
  return isResumingError(error) || (idempotent && isMaybeAppliedError(error));
}

/**
 * Delay before retry `attempt` (1-based): ceilings of 0.5 s, 1 s, 2 s, 4 s, then 8 s, with equal
 * jitter. Equal rather than full jitter so that every wait is at least half its ceiling: a resume
 * takes seconds, and the first retries must not all land in the first milliseconds of it.
 */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  return backoffDelayMs({ attempt, baseMs: 500, capMs: 8_000, jitter: 'equal', random });
}
