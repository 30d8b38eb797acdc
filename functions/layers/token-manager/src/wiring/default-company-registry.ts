import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type CompanyRegistry, createCompanyRegistry } from '../companies/company-registry';
import { DEFAULT_CREDENTIALS_SECRET_PREFIX, optionalString, readDatabaseSettings } from '../config';
import { createDataApiTokenStore } from '../store/data-api-token-store';
import { createDataApiExecutor } from './rds-data';
import { createSecretsManagerCredentialsStore } from './secrets-manager';

let defaultRegistry: CompanyRegistry | undefined;

/**
 * The container's company registry, built on first use from the environment: the database settings
 * every function has, and `CREDENTIALS_SECRET_PREFIX` (only the functions that delete secrets are
 * granted anything under it).
 */
export function getDefaultCompanyRegistry(): CompanyRegistry {
  if (defaultRegistry === undefined) {
    const database = readDatabaseSettings(process.env);
    const executor = createDataApiExecutor({ ...database, retryBudgetMs: database.resumeRetryBudgetMs });
    defaultRegistry = createCompanyRegistry({
      executor,
      credentialsStore: createSecretsManagerCredentialsStore({
        client: new SecretsManagerClient({}),
        secretPrefix: optionalString(
          process.env,
          'CREDENTIALS_SECRET_PREFIX',
          DEFAULT_CREDENTIALS_SECRET_PREFIX,
        ),
      }),
      tokenStore: createDataApiTokenStore(executor),
    });
  }
  return defaultRegistry;
}

/** Replaces the default registry (tests); undefined rebuilds it from the environment on next use. */
export function setDefaultCompanyRegistry(registry: CompanyRegistry | undefined): void {
  defaultRegistry = registry;
}
