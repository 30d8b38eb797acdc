/**
 * A dependency of a handler other than the library's own (e.g. the ticket sync queue) is down. Maps to
 * 503 with Retry-After, like the library's outages, so callers retry instead of reporting a bug.
 */
export type DependencyUnavailableCode = 'QUEUE_UNAVAILABLE';

export class DependencyUnavailableError extends Error {
  readonly code: DependencyUnavailableCode;
  readonly retryAfterSeconds: number;

  constructor(
    code: DependencyUnavailableCode,
    message: string,
    options: { cause?: unknown; retryAfterSeconds?: number } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DependencyUnavailableError';
    this.code = code;
    this.retryAfterSeconds = options.retryAfterSeconds ?? 10;
  }
}
