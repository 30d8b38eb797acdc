import { createHash } from 'node:crypto';
import type { SqlExecutor } from '../data-api';
import { MigrationError } from '../errors';
import { splitSqlStatements } from './split-sql-statements';

export interface Migration {
  /** File name, e.g. `0001_add_token_columns.sql`; applied in name order. */
  readonly name: string;
  readonly sql: string;
}

export interface MigrationReport {
  readonly applied: string[];
  readonly alreadyApplied: string[];
}

const MIGRATION_NAME = /^\d{4}_[a-z0-9_]+\.sql$/;
// One fixed advisory-lock key: two runners (two deploys, a test and the local stack) never interleave.
const MIGRATION_LOCK_KEY = 7_302_811;

export function migrationChecksum(sql: string): string {
  return createHash('sha256').update(sql.replace(/\r\n/g, '\n')).digest('hex');
}

function validate(migrations: readonly Migration[]): Migration[] {
  const sorted = [...migrations].sort((a, b) => a.name.localeCompare(b.name));
  const seen = new Set<string>();
  for (const migration of sorted) {
    if (!MIGRATION_NAME.test(migration.name)) {
      throw new MigrationError(`Migration file name "${migration.name}" must look like NNNN_verb_object.sql`);
    }
    const prefix = migration.name.slice(0, 4);
    if (seen.has(prefix)) throw new MigrationError(`Two migrations share the number ${prefix}`);
    seen.add(prefix);
    if (splitSqlStatements(migration.sql).length === 0) {
      throw new MigrationError(`Migration ${migration.name} contains no statement`);
    }
  }
  return sorted;
}

/**
 * Applies forward-only migrations through the Data API, each in its own transaction together with
 * its record in `schema_migrations`. An applied file whose checksum changed is refused: migrations
 * are never edited once applied, a new file is added instead.
 */
export async function applyMigrations(
  executor: SqlExecutor,
  migrations: readonly Migration[],
  options: { onApplied?: (name: string) => void } = {},
): Promise<MigrationReport> {
  const ordered = validate(migrations);
  await executor.execute(
    `CREATE TABLE IF NOT EXISTS schema_migrations (
       name TEXT PRIMARY KEY,
       checksum TEXT NOT NULL,
       applied_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()
     )`,
    {},
    { idempotent: true },
  );
  const report: MigrationReport = { applied: [], alreadyApplied: [] };
  for (const migration of ordered) {
    const checksum = migrationChecksum(migration.sql);
    const applied = await executor.transaction(async (transactionId) => {
      await executor.execute(
        'SELECT pg_advisory_xact_lock(:key)',
        { key: MIGRATION_LOCK_KEY },
        { transactionId },
      );
      const { rows } = await executor.execute(
        'SELECT checksum FROM schema_migrations WHERE name = :name',
        { name: migration.name },
        { transactionId },
      );
      const existing = rows[0]?.checksum;
      if (existing !== undefined) {
        if (existing !== checksum) {
          throw new MigrationError(
            `Migration ${migration.name} was edited after it was applied (checksum ${String(existing).slice(0, 12)} ` +
              `in the database, ${checksum.slice(0, 12)} on disk). Restore the file and add a new migration instead.`,
          );
        }
        return false;
      }
      for (const statement of splitSqlStatements(migration.sql)) {
        await executor.execute(statement, {}, { transactionId });
      }
      await executor.execute(
        'INSERT INTO schema_migrations (name, checksum) VALUES (:name, :checksum)',
        { name: migration.name, checksum },
        { transactionId },
      );
      return true;
    });
    if (applied) {
      report.applied.push(migration.name);
      options.onApplied?.(migration.name);
    } else {
      report.alreadyApplied.push(migration.name);
    }
  }
  return report;
}
