import { describe, expect, it } from 'vitest';

/**
 * Every runtime name of each face, spelled out: adding or removing one is a decision about what other
 * teams (public), this repository (internal), tests (testing) or CDK code (constants) may rely on, so
 * it has to show up in a review as a change to this list.
 */
const FACES = {
  '@bluestakes/token-manager': [
    'CompanyDisabledError',
    'CompanyEnabledError',
    'CompanyNameTakenError',
    'CompanyNotFoundError',
    'ConfigurationError',
    'CredentialsNotFoundError',
    'CredentialsRejectedError',
    'DatabaseError',
    'DatabaseUnavailableError',
    'InvalidInputError',
    'LoginHeldError',
    'MigrationError',
    'RateLimitExceededError',
    'SecretsUnavailableError',
    'TokenDecryptionError',
    'TokenRejectedError',
    'TokenServiceError',
    'TokenUnavailableError',
    'UpstreamBadResponseError',
    'UpstreamNotFoundError',
    'UpstreamRateLimitedError',
    'UpstreamUnavailableError',
    'cleanupExpiredTokens',
    'clearToken',
    'createTokenManager',
    'getBluestakesAuthToken',
    'getBluestakesAuthTokenRaw',
    'getDefaultTokenManager',
    'getOrRefreshToken',
    'getTokenStats',
    'getTokenStatus',
    'isTokenValid',
    'logger',
    'makeAuthenticatedRequest',
    'metrics',
    'readTokenManagerConfig',
    'storeCredentials',
    'storeToken',
    'testCredentials',
    'tokenFingerprint',
  ],
  '@bluestakes/token-manager/internal': [
    'MAX_COMPANY_NAME_LENGTH',
    'MAX_COMPANY_PAGE_SIZE',
    'MAX_COMPANY_TOKEN_TTL_SECONDS',
    'MIN_COMPANY_TOKEN_TTL_SECONDS',
    'applyMigrations',
    'backoffDelayMs',
    'booleanOrNull',
    'createBluestakesClient',
    'createCompanyRegistry',
    'createDataApiExecutor',
    'createDataApiTokenStore',
    'createSecretsManagerCredentialsStore',
    'credentialsSecretName',
    'decryptToken',
    'encryptToken',
    'encryptedTokenKeyId',
    'extractSqlState',
    'generateTokenKeyringSecret',
    'getDefaultCompanyRegistry',
    'initializeTokenKeyring',
    'isKeyringPlaceholder',
    'loadMigrationsFromDirectory',
    'numberOrNull',
    'numberOrZero',
    'optionalInteger',
    'optionalString',
    'parseCompanyId',
    'parseCompanyPageQuery',
    'parseDataApiTimestamp',
    'parseTokenKeyring',
    'powertoolsLogSink',
    'readDatabaseSettings',
    'requiredString',
    'requiredTime',
    'rotateTokenKeyring',
    'splitSqlStatements',
    'sqlJson',
    'textOrNull',
    'timeOrNull',
    'toDataApiTimestamp',
    'validateCredentials',
  ],
  '@bluestakes/token-manager/testing': [
    'createCountingMetricsSink',
    'setDefaultCompanyRegistry',
    'setDefaultTokenManager',
  ],
  '@bluestakes/token-manager/constants': [
    'DEFAULT_BLUESTAKES_BASE_URL',
    'DEFAULT_CREDENTIALS_SECRET_PREFIX',
    'DEFAULT_DATA_API_RESUME_BUDGET_MS',
    'DEFAULT_RATE_LIMIT_MAX_REQUESTS',
    'DEFAULT_RATE_LIMIT_MAX_WAIT_MS',
    'DEFAULT_RATE_LIMIT_SCOPE',
    'DEFAULT_RATE_LIMIT_WINDOW_MS',
    'DEFAULT_TOKEN_REFRESH_BEFORE_SECONDS',
    'DEFAULT_TOKEN_TTL_SECONDS',
    'KEYRING_PLACEHOLDER',
    'METRICS_NAMESPACE',
    'RATE_LIMIT_SCOPES',
    'SERVICE_NAME',
  ],
} as const;

type Face = keyof typeof FACES;

const namesOf = async (face: Face): Promise<string[]> => Object.keys(await import(face)).sort();

describe('the faces of @bluestakes/token-manager', () => {
  it.each(Object.entries(FACES) as [Face, readonly string[]][])(
    '%s exports exactly its listed names',
    async (face, names) => {
      expect(await namesOf(face)).toEqual([...names].sort());
    },
  );

  it('gives each name one face, so no name is public and internal at once', () => {
    const all = Object.values(FACES).flat();
    expect(all.filter((name, index) => all.indexOf(name) !== index)).toEqual([]);
  });
});
