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
    'optionalInteger',
    'optionalString',
    'parseCompanyId',
    'parseCompanyPageQuery',
    'parseDataApiTimestamp',
    'parseTokenKeyring',
    'powertoolsLogSink',
    'readDatabaseSettings',
    'requiredString',
    'rotateTokenKeyring',
    'splitSqlStatements',
    'sqlJson',
    'toDataApiTimestamp',
    'validateCredentials',
  ],
  '@bluestakes/token-manager/testing': [
    'createCountingMetricsSink',
    'setDefaultCompanyRegistry',
    'setDefaultTokenManager',
  ],
  '@bluestakes/token-manager/constants': ['KEYRING_PLACEHOLDER', 'METRICS_NAMESPACE', 'SERVICE_NAME'],
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
