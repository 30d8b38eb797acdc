import { resolve } from 'node:path';
import { MigrationError } from '@bluestakes/token-manager';
import {
  applyMigrations,
  createDataApiExecutor,
  loadMigrationsFromDirectory,
  type Migration,
  type SqlExecutor,
} from '@bluestakes/token-manager/internal';
import { afterEach, describe, expect, it } from 'vitest';
import { availableBackends, startTestDataApi, type TestDataApi } from '../../support/data-api';

const SQL_DIR = resolve(import.meta.dirname, '../../../sql');

describe.each(availableBackends)('migrations through the Data API (%s)', (backend) => {
  let dataApi: TestDataApi | undefined;

  afterEach(async () => {
    await dataApi?.close();
    dataApi = undefined;
  });

  async function start(): Promise<SqlExecutor> {
    dataApi = await startTestDataApi({ backend });
    return createDataApiExecutor({
      resourceArn: dataApi.resourceArn,
      secretArn: dataApi.secretArn,
      database: dataApi.database,
      client: dataApi.createClient({ maxAttempts: 1 }),
    });
  }

  it('applies every file once, records it with its checksum, and applies nothing the second time', async () => {
    const executor = await start();
    const migrations = await loadMigrationsFromDirectory(SQL_DIR);

    const first = await applyMigrations(executor, migrations);
    const second = await applyMigrations(executor, migrations);

    expect(first.applied).toEqual(migrations.map((migration) => migration.name));
    expect(second).toEqual({ applied: [], alreadyApplied: first.applied });
    const { rows } = await executor.execute(
      'SELECT name, length(checksum) AS length FROM schema_migrations ORDER BY name',
    );
    expect(rows).toEqual(migrations.map((migration) => ({ name: migration.name, length: '64' })));
  });

  it('adds the token columns to an existing companies table without losing its columns or rows', async () => {
    const executor = await start();
    await executor.execute(
      'CREATE TABLE companies (id BIGINT PRIMARY KEY, name TEXT NOT NULL, billing_code TEXT, employees INTEGER)',
    );
    await executor.execute(
      "INSERT INTO companies (id, name, billing_code, employees) VALUES (7, 'Keep Me', 'B-7', 12), (8, 'Me Too', NULL, 3)",
    );

    await applyMigrations(executor, await loadMigrationsFromDirectory(SQL_DIR));

    const { rows } = await executor.execute(
      `SELECT id, name, billing_code, employees, bluestakes_token, bluestakes_token_version
       FROM companies ORDER BY id`,
    );
    expect(rows).toEqual([
      {
        id: '7',
        name: 'Keep Me',
        billing_code: 'B-7',
        employees: '12',
        bluestakes_token: null,
        bluestakes_token_version: '0',
      },
      {
        id: '8',
        name: 'Me Too',
        billing_code: null,
        employees: '3',
        bluestakes_token: null,
        bluestakes_token_version: '0',
      },
    ]);
    const index = await executor.execute(
      "SELECT indexdef FROM pg_indexes WHERE indexname = 'idx_companies_token_expiry'",
    );
    expect(String(index.rows[0]?.indexdef)).toContain('WHERE (bluestakes_token IS NOT NULL)');
  });

  it('refuses an already applied file that was edited, naming it, and changes nothing', async () => {
    const executor = await start();
    const migrations = await loadMigrationsFromDirectory(SQL_DIR);
    await applyMigrations(executor, migrations);
    const edited: Migration[] = migrations.map((migration, index) =>
      index === 0 ? { ...migration, sql: `${migration.sql}\nSELECT 1;` } : migration,
    );
    const extra: Migration = { name: '9999_create_probe.sql', sql: 'CREATE TABLE probe (id INTEGER);' };

    const failure = applyMigrations(executor, [...edited, extra]);

    await expect(failure).rejects.toBeInstanceOf(MigrationError);
    await expect(failure).rejects.toThrow(/0001_add_token_columns\.sql was edited after it was applied/);
    const probe = await executor.execute("SELECT count(*) AS found FROM pg_tables WHERE tablename = 'probe'");
    expect(probe.rows[0]?.found).toBe('0');
  });

  it('refuses badly named files and rolls back a failing migration with its record', async () => {
    const executor = await start();

    await expect(applyMigrations(executor, [{ name: 'add-stuff.sql', sql: 'SELECT 1' }])).rejects.toThrow(
      /NNNN_verb_object\.sql/,
    );
    await expect(
      applyMigrations(executor, [
        {
          name: '0001_create_half.sql',
          sql: 'CREATE TABLE half (id INTEGER);\nSELECT * FROM missing_table;',
        },
      ]),
    ).rejects.toMatchObject({ code: 'DATABASE_ERROR', sqlState: '42P01' });
    const { rows } = await executor.execute(
      "SELECT (SELECT count(*) FROM pg_tables WHERE tablename = 'half') AS tables, (SELECT count(*) FROM schema_migrations) AS records",
    );
    expect(rows[0]).toEqual({ tables: '0', records: '0' });
  });
});
