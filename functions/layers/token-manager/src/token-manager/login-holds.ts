import type { LoginHoldSettings } from '../config';
import {
  CredentialsNotFoundError,
  CredentialsRejectedError,
  DatabaseError,
  DatabaseUnavailableError,
  LoginHeldError,
  RateLimitExceededError,
  SecretsUnavailableError,
  TokenDecryptionError,
  type TokenServiceError,
  UpstreamRateLimitedError,
} from '../errors';
import type { LoginHoldReason, TokenRow } from '../store';

/** How a failed login holds further logins; undefined when the company is not at fault. */
export function loginHoldFor(
  error: unknown,
  loginHold: LoginHoldSettings,
): { reason: LoginHoldReason; holdSeconds: number } | undefined {
  if (error instanceof CredentialsRejectedError) {
    return { reason: 'credentials_rejected', holdSeconds: loginHold.credentialsRejectedHoldSeconds };
  }
  if (error instanceof CredentialsNotFoundError) {
    return { reason: 'credentials_missing', holdSeconds: loginHold.failureBackoffMaxSeconds };
  }
  if (
    error instanceof UpstreamRateLimitedError ||
    error instanceof RateLimitExceededError ||
    error instanceof DatabaseUnavailableError ||
    error instanceof DatabaseError ||
    error instanceof SecretsUnavailableError ||
    error instanceof TokenDecryptionError
  ) {
    // Nothing is wrong with the company's login: the pause, the database or secrets are the problem.
    return undefined;
  }
  // Upstream failures, and anything unexpected (a bug, a reply nobody foresaw): back off
  // exponentially, fleet-wide, so a fault that repeats costs one login per hold, never one per call.
  // The hold grows in SQL; holdSeconds is not used for this reason.
  return { reason: 'upstream_failing', holdSeconds: loginHold.failureBackoffMaxSeconds };
}

/** What a caller with no usable token gets while the company's logins are held. */
export function loginHeldError(companyId: string, row: TokenRow): TokenServiceError {
  const retryAfterMs = Math.max(0, row.holdRemainingMs ?? 0);
  if (row.holdReason === 'credentials_missing')
    return new CredentialsNotFoundError(companyId, { retryAfterMs });
  return new LoginHeldError(
    companyId,
    row.holdReason === 'credentials_rejected' ? 'credentials_rejected' : 'upstream_failing',
    { retryAfterMs },
  );
}
