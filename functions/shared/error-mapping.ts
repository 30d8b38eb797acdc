import {
  CompanyDisabledError,
  CompanyEnabledError,
  CompanyNameTakenError,
  CompanyNotFoundError,
  ConfigurationError,
  CredentialsNotFoundError,
  CredentialsRejectedError,
  DatabaseUnavailableError,
  InvalidInputError,
  LoginHeldError,
  RateLimitExceededError,
  SecretsUnavailableError,
  TokenRejectedError,
  type TokenServiceError,
  TokenUnavailableError,
  UpstreamBadResponseError,
  UpstreamNotFoundError,
  UpstreamRateLimitedError,
  UpstreamUnavailableError,
} from '@bluestakes/token-manager';
import type { APIGatewayProxyResult } from 'aws-lambda';
// The one file, not the barrel: every HTTP handler bundles this mapping, and the barrel loads the SQS client.
import { DependencyUnavailableError, NotFoundError } from '../tickets/ticket-errors';
import { HttpRequestError } from './http-request-error';
import { type ErrorBody, jsonResponse } from './http-response';

/** How an error is answered and logged. */
export interface MappedError {
  readonly statusCode: number;
  readonly code: string;
  /** Shown to the caller: the error's own message for 4xx, a fixed text otherwise. */
  readonly message: string;
  readonly field?: string;
  /** Sent as `Retry-After` (whole seconds, at least 1). */
  readonly retryAfterSeconds?: number;
  /** `error`: a fault of ours, logged with the full error; `warn`: an outage; `info`: the caller's mistake. */
  readonly logLevel: 'info' | 'warn' | 'error';
}

export const INTERNAL_ERROR_MESSAGE = 'An unexpected error occurred; quote the request_id when reporting it';

type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;
type Mapping = Omit<MappedError, 'logLevel'>;
type Rule = (error: unknown) => Mapping | undefined;

/** A rule that applies `map` when the error is an instance of `type`. */
const rule =
  <E extends Error>(type: ErrorClass<E>, map: (error: E) => Mapping): Rule =>
  (error) =>
    error instanceof type ? map(error) : undefined;

/** Whole seconds for `Retry-After`, using the error's own hint when it has one. */
function retryAfter(error: TokenServiceError, fallbackSeconds: number): number {
  const ms = error.retryAfterMs;
  if (ms === undefined || !Number.isFinite(ms) || ms <= 0) return fallbackSeconds;
  return Math.max(1, Math.ceil(ms / 1000));
}

/** Messages of the library's errors are safe (they never hold secrets), and 4xx ones are the caller's to read. */
const exposed = (status: number) => (error: TokenServiceError) => ({
  statusCode: status,
  code: error.code,
  message: error.message,
});

/**
 * The one table from errors to HTTP, matched by `instanceof` in order. Outages get fixed messages: the
 * library's text names internals (secret names, SQL states) that callers have no use for.
 */
const RULES: readonly Rule[] = [
  rule(HttpRequestError, (error) => ({
    statusCode: error.statusCode,
    code: error.code,
    message: error.message,
  })),
  rule(InvalidInputError, (error) => ({ ...exposed(400)(error), field: error.field })),
  rule(CompanyNotFoundError, exposed(404)),
  // 409: the request is fine but the company's state forbids it; the message says what to change.
  rule(CompanyDisabledError, exposed(409)),
  rule(CompanyEnabledError, exposed(409)),
  rule(CompanyNameTakenError, exposed(409)),
  rule(NotFoundError, (error) => ({ statusCode: 404, code: error.code, message: error.message })),
  // 409: the company exists but is not in a state to log in; storing credentials resolves it.
  rule(CredentialsNotFoundError, exposed(409)),
  rule(UpstreamNotFoundError, exposed(404)),
  rule(CredentialsRejectedError, exposed(422)),
  rule(RateLimitExceededError, (error) => ({
    statusCode: 429,
    code: error.code,
    message: 'The Bluestakes rate limit is used up for now; retry after the indicated delay',
    retryAfterSeconds: retryAfter(error, 10),
  })),
  rule(UpstreamRateLimitedError, (error) => ({
    statusCode: 429,
    code: error.code,
    message: 'Bluestakes is rate limiting this account; retry after the indicated delay',
    retryAfterSeconds: retryAfter(error, 60),
  })),
  // 503, not 423: the hold is a back-off this service imposes on itself, it ends at a known time
  // (Retry-After), and clients that retry on 503 do the right thing; 423 (WebDAV "Locked") is rarely retried.
  rule(LoginHeldError, (error) => ({
    statusCode: 503,
    code: error.code,
    message:
      error.reason === 'credentials_rejected'
        ? 'Logins for this company are on hold because its stored credentials were rejected; store new credentials to lift the hold'
        : 'Logins for this company are on hold because Bluestakes logins have been failing; retry later',
    retryAfterSeconds: retryAfter(error, 60),
  })),
  rule(TokenUnavailableError, (error) => ({
    statusCode: 503,
    code: error.code,
    message: 'No valid token is available yet (another instance is refreshing it); retry shortly',
    retryAfterSeconds: retryAfter(error, 2),
  })),
  rule(UpstreamUnavailableError, (error) => ({
    statusCode: 503,
    code: error.code,
    message: 'Bluestakes is unavailable; retry later',
    retryAfterSeconds: retryAfter(error, 30),
  })),
  rule(DatabaseUnavailableError, (error) => ({
    statusCode: 503,
    code: error.code,
    message: 'The database is temporarily unavailable; retry shortly',
    retryAfterSeconds: retryAfter(error, 5),
  })),
  rule(SecretsUnavailableError, (error) => ({
    statusCode: 503,
    code: error.code,
    message: 'The credentials store is temporarily unavailable; retry shortly',
    retryAfterSeconds: retryAfter(error, 5),
  })),
  rule(DependencyUnavailableError, (error) => ({
    statusCode: 503,
    code: error.code,
    message: 'A service this request depends on is temporarily unavailable; retry shortly',
    retryAfterSeconds: error.retryAfterSeconds,
  })),
  // Not transient, so no Retry-After; the warn log of the request carries the library's message, which
  // names the setting to fix (e.g. the Data API is not enabled on the cluster).
  rule(ConfigurationError, (error) => ({
    statusCode: 503,
    code: error.code,
    message:
      'The service is misconfigured and cannot use a dependency it needs; an operator must fix its configuration',
  })),
  rule(TokenRejectedError, (error) => ({
    statusCode: 502,
    code: error.code,
    message: 'Bluestakes rejected the bearer token',
  })),
  rule(UpstreamBadResponseError, (error) => ({
    statusCode: 502,
    code: error.code,
    message: 'Bluestakes answered with something this service cannot use',
  })),
];

/**
 * Maps any thrown value to its HTTP status, code and safe message. Anything not in the table
 * (database errors, decryption, bugs) is a 500 with a generic message.
 *
 * @param error - whatever was thrown
 */
export function mapError(error: unknown): MappedError {
  for (const apply of RULES) {
    const mapped = apply(error);
    if (mapped !== undefined) return { ...mapped, logLevel: mapped.statusCode < 500 ? 'info' : 'warn' };
  }
  return { statusCode: 500, code: 'INTERNAL_ERROR', message: INTERNAL_ERROR_MESSAGE, logLevel: 'error' };
}

/**
 * The response for a mapped error: `{success: false, error: {code, message}}`, plus `request_id` on 500
 * and `Retry-After` when the caller should come back later.
 *
 * @param mapped - from {@link mapError}
 * @param requestId - the API Gateway request id (the one the caller can see)
 */
export function errorResponse(mapped: MappedError, requestId: string): APIGatewayProxyResult {
  const body: ErrorBody = {
    success: false,
    error: {
      code: mapped.code,
      message: mapped.message,
      ...(mapped.field === undefined ? {} : { field: mapped.field }),
    },
    ...(mapped.statusCode === 500 ? { request_id: requestId } : {}),
  };
  const headers: Record<string, string> =
    mapped.retryAfterSeconds === undefined ? {} : { 'retry-after': String(mapped.retryAfterSeconds) };
  return jsonResponse(mapped.statusCode, body, headers);
}
