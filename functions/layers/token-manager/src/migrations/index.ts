export { loadMigrationsFromDirectory } from './load-migrations';
export { applyMigrations, type Migration, type MigrationReport, migrationChecksum } from './migration-runner';
export { splitSqlStatements } from './split-sql-statements';
