import { describe, expect, it } from 'vitest';
import {
  CredentialsNotFoundError,
  CredentialsRejectedError,
  DatabaseUnavailableError,
  LoginHeldError,
  RateLimitExceededError,
  SecretsUnavailableError,
  UpstreamRateLimitedError,
  UpstreamUnavailableError,
} from '../../../functions/layers/token-manager/src/errors';
import type { TokenRow } from '../../../functions/layers/token-manager/src/store';
import {
  loginHeldError,
  loginHoldFor,
} from '../../../functions/layers/token-manager/src/token-manager/login-holds';

const SETTINGS = {
  credentialsRejectedHoldSeconds: 21_600,
  failureBackoffBaseSeconds: 5,
  failureBackoffMaxSeconds: 300,
};

describe('loginHoldFor', () => {
  it('holds a company whose credentials Bluestakes rejected for the long hold', () => {
    expect(loginHoldFor(new CredentialsRejectedError(), SETTINGS)).toEqual({
      reason: 'credentials_rejected',
      holdSeconds: 21_600,
    });
  });

  it('holds a company without credentials', () => {
    expect(loginHoldFor(new CredentialsNotFoundError('7'), SETTINGS)?.reason).toBe('credentials_missing');
  });

  it('backs off on upstream failures and on anything unexpected', () => {
    expect(loginHoldFor(new UpstreamUnavailableError('timeout', 'slow'), SETTINGS)?.reason).toBe(
      'upstream_failing',
    );
    expect(loginHoldFor(new TypeError('a bug'), SETTINGS)?.reason).toBe('upstream_failing');
  });

  it('holds nobody when the pause, the database or secrets are the problem', () => {
    for (const error of [
      new UpstreamRateLimitedError('429'),
      new RateLimitExceededError('no slot'),
      new DatabaseUnavailableError('down'),
      new SecretsUnavailableError('down'),
    ]) {
      expect(loginHoldFor(error, SETTINGS)).toBeUndefined();
    }
  });
});

describe('loginHeldError', () => {
  const row = (overrides: Partial<TokenRow>) =>
    ({ holdRemainingMs: 4_000, holdReason: null, ...overrides }) as TokenRow;

  it('says the credentials are missing, with the hold left as retry-after', () => {
    const error = loginHeldError('7', row({ holdReason: 'credentials_missing' }));
    expect(error).toBeInstanceOf(CredentialsNotFoundError);
    expect(error.retryAfterMs).toBe(4_000);
  });

  it('names the reason of any other hold', () => {
    const rejected = loginHeldError('7', row({ holdReason: 'credentials_rejected' }));
    expect(rejected).toBeInstanceOf(LoginHeldError);
    expect((rejected as LoginHeldError).reason).toBe('credentials_rejected');
    expect((loginHeldError('7', row({ holdReason: 'upstream_failing' })) as LoginHeldError).reason).toBe(
      'upstream_failing',
    );
  });
});
