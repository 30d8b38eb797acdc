import { ConfigurationError, readTokenManagerConfig } from '@bluestakes/token-manager';
import { readDatabaseSettings } from '@bluestakes/token-manager/internal';
import { describe, expect, it } from 'vitest';

const minimal = {
  DATABASE_RESOURCE_ARN: 'arn:aws:rds:us-east-1:123456789012:cluster:tokens',
  DATABASE_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db',
  TOKEN_ENCRYPTION_KEY_SECRET_ID: 'bluestakes-token-service/token-encryption-key',
};

describe('readTokenManagerConfig', () => {
  it('applies the documented defaults', () => {
    const config = readTokenManagerConfig(minimal);

    expect(config.tokens).toMatchObject({
      ttlSeconds: 3600,
      refreshBeforeSeconds: 300,
      cleanupGraceSeconds: 300,
    });
    expect(config.rateLimit).toMatchObject({ maxRequests: 10, windowMs: 60_000, scope: 'account' });
    expect(config.bluestakesBaseUrl).toBe('https://newtin-api.bluestakes.org');
    expect(config.database.resumeRetryBudgetMs).toBe(45_000);
  });

  it('names the missing variable', () => {
    expect(() => readTokenManagerConfig({ ...minimal, DATABASE_SECRET_ARN: '' })).toThrow(
      /DATABASE_SECRET_ARN is required/,
    );
  });

  it('refuses numbers that are not whole or out of range instead of guessing', () => {
    expect(() => readTokenManagerConfig({ ...minimal, TOKEN_TTL_SECONDS: '1h' })).toThrow(ConfigurationError);
    expect(() => readTokenManagerConfig({ ...minimal, RATE_LIMIT_MAX_REQUESTS: '0' })).toThrow(
      /RATE_LIMIT_MAX_REQUESTS must be between 1 and 10000/,
    );
  });

  it('refuses an unknown rate-limit scope and a non-URL base URL', () => {
    expect(() => readTokenManagerConfig({ ...minimal, RATE_LIMIT_SCOPE: 'ip' })).toThrow(/account, global/);
    expect(() => readTokenManagerConfig({ ...minimal, BLUESTAKES_BASE_URL: 'not a url' })).toThrow(
      /absolute URL/,
    );
  });

  it('strips a trailing slash from the base URL', () => {
    expect(
      readTokenManagerConfig({ ...minimal, BLUESTAKES_BASE_URL: 'http://127.0.0.1:4010/' }).bluestakesBaseUrl,
    ).toBe('http://127.0.0.1:4010');
  });

  it('reads the database settings alone without needing token settings', () => {
    const { TOKEN_ENCRYPTION_KEY_SECRET_ID: _unused, ...databaseOnly } = minimal;

    expect(readDatabaseSettings(databaseOnly)).toEqual({
      resourceArn: minimal.DATABASE_RESOURCE_ARN,
      secretArn: minimal.DATABASE_SECRET_ARN,
      database: 'bluestakes',
      resumeRetryBudgetMs: 45_000,
    });
  });
});
