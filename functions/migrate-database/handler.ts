/** CloudFormation custom resource (CDK Provider framework): handler -> library migrations / keyring bootstrap. */
import { join } from 'node:path';
import { logger, readTokenManagerConfig } from '@bluestakes/token-manager';
import {
  applyMigrations,
  createDataApiExecutor,
  initializeTokenKeyring,
  loadMigrationsFromDirectory,
  type Migration,
  powertoolsLogSink,
} from '@bluestakes/token-manager/internal';
import { createMigrationHandler } from './migrate-database';

const config = readTokenManagerConfig(process.env);

// CDK copies `sql/*.sql` next to the CommonJS bundle (lib/constructs/migrations.ts, sqlCopyCommands).
const MIGRATIONS_DIRECTORY = join(__dirname, 'sql');

const executor = createDataApiExecutor({
  resourceArn: config.database.resourceArn,
  secretArn: config.database.secretArn,
  database: config.database.database,
  retryBudgetMs: config.database.resumeRetryBudgetMs,
  onRetry: (retry) => logger.warn('Data API call retried', { ...retry }),
});

/** The migrations shipped in this bundle, in file-name order. */
export function loadBundledMigrations(): Promise<Migration[]> {
  return loadMigrationsFromDirectory(MIGRATIONS_DIRECTORY);
}

export const handler = createMigrationHandler({
  applyMigrations: async () =>
    applyMigrations(executor, await loadBundledMigrations(), {
      onApplied: (name) => logger.info('Migration applied', { name }),
    }),
  initializeKeyring: () => initializeTokenKeyring(undefined, config.encryptionKeySecretId),
  log: powertoolsLogSink,
});
