import { ConfigurationError, DatabaseError, DatabaseUnavailableError, TokenServiceError } from '../errors';
import {
  isEndpointNotEnabledError,
  isMaybeAppliedError,
  isNotSentError,
  isResumingError,
} from './retry-policy';

const SQL_STATE = /;\s*SQLState:\s*([0-9A-Z]{5})\s*$/;

/** The PostgreSQL SQLSTATE the Data API appends to its message (`...; SQLState: 23505`). */
export function extractSqlState(message: string): string | undefined {
  return SQL_STATE.exec(message)?.[1];
}

/**
 * Turns whatever the SDK threw into the library's typed errors. The message keeps the database's
 * text (it never holds our parameter values: the Data API masks them) but drops the SQLState suffix.
 */
export function toDatabaseError(error: unknown, context: { retryAfterMs?: number } = {}): TokenServiceError {
  if (error instanceof TokenServiceError) return error;
  const name = error instanceof Error ? error.name : 'UnknownError';
  const message = error instanceof Error ? error.message : String(error);
  if (isResumingError(error)) {
    return new DatabaseUnavailableError('The database is resuming after an auto-pause; try again shortly', {
      cause: error,
      retryAfterMs: context.retryAfterMs ?? 15_000,
    });
  }
  if (isEndpointNotEnabledError(error)) {
    // A deployment fault, not an outage: no retry helps until an operator enables the Data API.
    return new ConfigurationError(
      'The database cluster does not have the RDS Data API enabled (HttpEndpointNotEnabledException): ' +
        'enable the Data API (HTTP endpoint) on the cluster named by DATABASE_RESOURCE_ARN',
      { cause: error },
    );
  }
  if (isMaybeAppliedError(error) || isNotSentError(error)) {
    return new DatabaseUnavailableError(`The database is unavailable (${name})`, {
      cause: error,
      retryAfterMs: context.retryAfterMs ?? 5_000,
    });
  }
  const sqlState = extractSqlState(message);
  const text = message.replace(SQL_STATE, '').trim();
  return new DatabaseError(`Database call failed (${name}): ${text.slice(0, 500)}`, {
    cause: error,
    ...(sqlState === undefined ? {} : { sqlState }),
  });
}
