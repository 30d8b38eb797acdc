/**
 * For this repository's handlers, tools and tests; no stability promise. Names here change or go
 * whenever the service needs them to; other teams use the public API (`@bluestakes/token-manager`).
 */
export {
  type BluestakesClient,
  type BluestakesLogin,
  createBluestakesClient,
} from './bluestakes';
export {
  type Company,
  type CompanyPage,
  type CompanyRegistry,
  createCompanyRegistry,
  getDefaultCompanyRegistry,
  MAX_COMPANY_NAME_LENGTH,
  MAX_COMPANY_PAGE_SIZE,
  MAX_COMPANY_TOKEN_TTL_SECONDS,
  MIN_COMPANY_TOKEN_TTL_SECONDS,
  parseCompanyPageQuery,
} from './companies';
export {
  type DatabaseSettings,
  optionalInteger,
  optionalString,
  readDatabaseSettings,
  requiredString,
} from './config';
export {
  type CredentialsStore,
  createSecretsManagerCredentialsStore,
  credentialsSecretName,
  validateCredentials,
} from './credentials';
export {
  decryptToken,
  encryptedTokenKeyId,
  encryptToken,
  generateTokenKeyringSecret,
  initializeTokenKeyring,
  isKeyringPlaceholder,
  type KeyringInitialization,
  parseTokenKeyring,
  rotateTokenKeyring,
} from './crypto';
export {
  backoffDelayMs,
  booleanOrNull,
  createDataApiExecutor,
  extractSqlState,
  numberOrNull,
  numberOrZero,
  parseDataApiTimestamp,
  type ResultValue,
  type Row,
  requiredTime,
  type SqlExecutor,
  type SqlParams,
  sqlJson,
  textOrNull,
  timeOrNull,
  toDataApiTimestamp,
} from './data-api';
export {
  applyMigrations,
  loadMigrationsFromDirectory,
  type Migration,
  type MigrationReport,
  splitSqlStatements,
} from './migrations';
export { powertoolsLogSink } from './observability';
export { createDataApiTokenStore } from './store';
export { parseCompanyId } from './token-manager';
