/**
 * One error hierarchy for the whole library. Every error carries a stable `code` (used for the HTTP
 * mapping, metrics and docs), keeps its `cause`, and never holds a password or a token in its
 * message. Errors that a caller may retry carry `retryAfterMs`.
 */

export type TokenServiceErrorCode =
  | 'CONFIGURATION_INVALID'
  | 'INVALID_INPUT'
  | 'COMPANY_NOT_FOUND'
  | 'COMPANY_DISABLED'
  | 'COMPANY_ENABLED'
  | 'COMPANY_NAME_TAKEN'
  | 'CREDENTIALS_NOT_FOUND'
  | 'CREDENTIALS_REJECTED'
  | 'LOGIN_HELD'
  | 'TOKEN_REJECTED'
  | 'TOKEN_UNAVAILABLE'
  | 'UPSTREAM_NOT_FOUND'
  | 'UPSTREAM_RATE_LIMITED'
  | 'UPSTREAM_UNAVAILABLE'
  | 'UPSTREAM_BAD_RESPONSE'
  | 'RATE_LIMITED'
  | 'DATABASE_ERROR'
  | 'DATABASE_UNAVAILABLE'
  | 'SECRETS_UNAVAILABLE'
  | 'TOKEN_DECRYPT_FAILED'
  | 'MIGRATION_INVALID';

export interface TokenServiceErrorOptions {
  readonly cause?: unknown;
  /** When the caller may try again, in milliseconds from now. */
  readonly retryAfterMs?: number;
}

/** Base class: catch this to catch every error the library raises on purpose. */
export class TokenServiceError extends Error {
  readonly code: TokenServiceErrorCode;
  readonly retryAfterMs: number | undefined;

  constructor(code: TokenServiceErrorCode, message: string, options: TokenServiceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TokenServiceError';
    this.code = code;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** A required setting is missing or malformed. Raised once, at start-up. */
export class ConfigurationError extends TokenServiceError {
  constructor(message: string, options?: TokenServiceErrorOptions) {
    super('CONFIGURATION_INVALID', message, options);
    this.name = 'ConfigurationError';
  }
}

/** The caller passed something the library cannot accept (bad company id, empty username, ...). */
export class InvalidInputError extends TokenServiceError {
  readonly field: string;

  constructor(field: string, message: string, options?: TokenServiceErrorOptions) {
    super('INVALID_INPUT', message, options);
    this.name = 'InvalidInputError';
    this.field = field;
  }
}

export class CompanyNotFoundError extends TokenServiceError {
  readonly companyId: string;

  constructor(companyId: string, options?: TokenServiceErrorOptions) {
    super('COMPANY_NOT_FOUND', `Company ${companyId} does not exist`, options);
    this.name = 'CompanyNotFoundError';
    this.companyId = companyId;
  }
}

/** The company is disabled: it gets no logins, tokens or syncs until it is enabled again. */
export class CompanyDisabledError extends TokenServiceError {
  readonly companyId: string;

  constructor(companyId: string, options?: TokenServiceErrorOptions) {
    super('COMPANY_DISABLED', `Company ${companyId} is disabled; enable it to log in or sync`, options);
    this.name = 'CompanyDisabledError';
    this.companyId = companyId;
  }
}

/** Deleting a company needs it disabled first, so a company in use is never removed by one slip. */
export class CompanyEnabledError extends TokenServiceError {
  readonly companyId: string;

  constructor(companyId: string, options?: TokenServiceErrorOptions) {
    super('COMPANY_ENABLED', `Company ${companyId} is enabled; disable it before deleting it`, options);
    this.name = 'CompanyEnabledError';
    this.companyId = companyId;
  }
}

/** Another company already has this name (compared case-insensitively, ignoring surrounding spaces). */
export class CompanyNameTakenError extends TokenServiceError {
  readonly existingCompanyId: string;

  constructor(existingCompanyId: string, options?: TokenServiceErrorOptions) {
    super('COMPANY_NAME_TAKEN', `Company ${existingCompanyId} already has this name`, options);
    this.name = 'CompanyNameTakenError';
    this.existingCompanyId = existingCompanyId;
  }
}

export class CredentialsNotFoundError extends TokenServiceError {
  readonly companyId: string;

  constructor(companyId: string, options?: TokenServiceErrorOptions) {
    super('CREDENTIALS_NOT_FOUND', `No Bluestakes credentials are stored for company ${companyId}`, options);
    this.name = 'CredentialsNotFoundError';
    this.companyId = companyId;
  }
}

/** Bluestakes answered the login with 401 (or a 200 without a token): the credentials are wrong. */
export class CredentialsRejectedError extends TokenServiceError {
  constructor(message = 'Bluestakes rejected the username or password', options?: TokenServiceErrorOptions) {
    super('CREDENTIALS_REJECTED', message, options);
    this.name = 'CredentialsRejectedError';
  }
}

/** Logins for a company are on hold after repeated failures; no upstream call was made. */
export class LoginHeldError extends TokenServiceError {
  readonly companyId: string;
  readonly reason: 'credentials_rejected' | 'upstream_failing';

  constructor(
    companyId: string,
    reason: 'credentials_rejected' | 'upstream_failing',
    options?: TokenServiceErrorOptions,
  ) {
    const why =
      reason === 'credentials_rejected'
        ? 'its stored credentials were rejected; store new credentials to lift the hold'
        : 'Bluestakes logins have been failing; backing off';
    super('LOGIN_HELD', `Logins for company ${companyId} are on hold: ${why}`, options);
    this.name = 'LoginHeldError';
    this.companyId = companyId;
    this.reason = reason;
  }
}

/** Bluestakes answered a ticket call with 401 or 403 for the bearer token sent. */
export class TokenRejectedError extends TokenServiceError {
  readonly status: 401 | 403;

  constructor(status: 401 | 403, options?: TokenServiceErrorOptions) {
    super('TOKEN_REJECTED', `Bluestakes rejected the bearer token (HTTP ${status})`, options);
    this.name = 'TokenRejectedError';
    this.status = status;
  }
}

/** No valid token could be obtained within the caller's deadline (another container is refreshing). */
export class TokenUnavailableError extends TokenServiceError {
  constructor(message: string, options?: TokenServiceErrorOptions) {
    super('TOKEN_UNAVAILABLE', message, options);
    this.name = 'TokenUnavailableError';
  }
}

export class UpstreamNotFoundError extends TokenServiceError {
  constructor(message: string, options?: TokenServiceErrorOptions) {
    super('UPSTREAM_NOT_FOUND', message, options);
    this.name = 'UpstreamNotFoundError';
  }
}

/** Bluestakes answered 429. `retryAfterMs` holds its parsed Retry-After when it sent one. */
export class UpstreamRateLimitedError extends TokenServiceError {
  constructor(message: string, options?: TokenServiceErrorOptions) {
    super('UPSTREAM_RATE_LIMITED', message, options);
    this.name = 'UpstreamRateLimitedError';
  }
}

export type UpstreamFailureKind = 'status' | 'timeout' | 'network';

/** Bluestakes is down or unreachable: 5xx, a reset connection or a timeout. */
export class UpstreamUnavailableError extends TokenServiceError {
  readonly kind: UpstreamFailureKind;
  readonly status: number | undefined;

  constructor(
    kind: UpstreamFailureKind,
    message: string,
    options: TokenServiceErrorOptions & { status?: number } = {},
  ) {
    super('UPSTREAM_UNAVAILABLE', message, options);
    this.name = 'UpstreamUnavailableError';
    this.kind = kind;
    this.status = options.status;
  }
}

/** Bluestakes answered with something the client cannot use (unexpected status, unparsable body). */
export class UpstreamBadResponseError extends TokenServiceError {
  readonly status: number | undefined;

  constructor(message: string, options: TokenServiceErrorOptions & { status?: number } = {}) {
    super('UPSTREAM_BAD_RESPONSE', message, options);
    this.name = 'UpstreamBadResponseError';
    this.status = options.status;
  }
}

/** The fleet-wide limiter had no slot for this call within the caller's deadline. */
export class RateLimitExceededError extends TokenServiceError {
  constructor(message: string, options?: TokenServiceErrorOptions) {
    super('RATE_LIMITED', message, options);
    this.name = 'RateLimitExceededError';
  }
}

/** A SQL statement failed. `sqlState` is the PostgreSQL SQLSTATE when the Data API gave one. */
export class DatabaseError extends TokenServiceError {
  readonly sqlState: string | undefined;

  constructor(message: string, options: TokenServiceErrorOptions & { sqlState?: string } = {}) {
    super('DATABASE_ERROR', message, options);
    this.name = 'DatabaseError';
    this.sqlState = options.sqlState;
  }
}

/** The database is resuming, failing over or timing out; worth retrying later. */
export class DatabaseUnavailableError extends TokenServiceError {
  constructor(message: string, options?: TokenServiceErrorOptions) {
    super('DATABASE_UNAVAILABLE', message, options);
    this.name = 'DatabaseUnavailableError';
  }
}

export class SecretsUnavailableError extends TokenServiceError {
  constructor(message: string, options?: TokenServiceErrorOptions) {
    super('SECRETS_UNAVAILABLE', message, options);
    this.name = 'SecretsUnavailableError';
  }
}

export class TokenDecryptionError extends TokenServiceError {
  constructor(message: string, options?: TokenServiceErrorOptions) {
    super('TOKEN_DECRYPT_FAILED', message, options);
    this.name = 'TokenDecryptionError';
  }
}

/** A migration file is malformed, or one already applied was edited afterwards. */
export class MigrationError extends TokenServiceError {
  constructor(message: string, options?: TokenServiceErrorOptions) {
    super('MIGRATION_INVALID', message, options);
    this.name = 'MigrationError';
  }
}
