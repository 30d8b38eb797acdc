/**
 * Errors of the ticket use cases that are not the library's. `functions/shared/error-mapping.ts` turns
 * them into responses; the use cases themselves know nothing of HTTP.
 */

/** A dependency of the use cases other than the library's own (e.g. the ticket sync queue) is down. */
export type DependencyUnavailableCode = 'QUEUE_UNAVAILABLE';

/** Answered like the library's outages (503 with Retry-After), so callers retry instead of reporting a bug. */
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

/** Something a use case looks up that does not exist (beyond the library's own company and ticket 404s). */
export type NotFoundCode = 'SYNC_NOT_FOUND';

/** Answered 404 with its message, which names what is missing and never holds a secret. */
export class NotFoundError extends Error {
  readonly code: NotFoundCode;

  constructor(code: NotFoundCode, message: string) {
    super(message);
    this.name = 'NotFoundError';
    this.code = code;
  }
}
