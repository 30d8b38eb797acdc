/**
 * One database behind one Data API emulator for one strategy for the whole run: in-memory PGlite by
 * default, or a fresh, uniquely named database on the PostgreSQL server in DATABASE_URL (dropped again
 * by `close()`). Migrations are applied, so both the original system's columns and ours exist.
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import {
  applyMigrations,
  createDataApiExecutor,
  loadMigrationsFromDirectory,
  type SqlExecutor,
} from '@bluestakes/token-manager/internal';
import pg from 'pg';
import {
  createPgliteBackend,
  createPostgresBackend,
  type DataApiEmulator,
  type SqlBackend,
  startDataApiEmulator,
} from '../../local/data-api-emulator';
import { DUMMY_CREDENTIALS, REGION } from './aws-clients';

export type BackendKind = 'pglite' | 'postgres';

/** Pool size per database: enough for a 100-container stampede without starving the emulator. */
const POSTGRES_CONNECTIONS = 20;

export interface BenchDatabase {
  readonly backend: BackendKind;
  readonly emulator: DataApiEmulator;
  readonly resourceArn: string;
  readonly secretArn: string;
  readonly database: string;
  /** For seeding and fault set-up; not counted against any strategy. */
  readonly executor: SqlExecutor;
  /** A new client as a container would have one: SDK retries off (the library decides what to retry). */
  createClient(): RDSDataClient;
  close(): Promise<void>;
}

export function backendFromEnvironment(): BackendKind {
  return process.env.DATABASE_URL ? 'postgres' : 'pglite';
}

function withDatabase(connectionString: string, database: string): string {
  const url = new URL(connectionString);
  url.pathname = `/${database}`;
  return url.toString();
}

async function adminQuery(connectionString: string, sql: string, params: unknown[] = []): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query(sql, params);
  } finally {
    await client.end();
  }
}

async function createPostgresDatabase(
  connectionString: string,
): Promise<{ backend: SqlBackend; drop(): Promise<void> }> {
  const name = `bts_bench_${randomBytes(6).toString('hex')}`;
  await adminQuery(connectionString, `CREATE DATABASE "${name}"`);
  const drop = async () => {
    await adminQuery(
      connectionString,
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1',
      [name],
    );
    await adminQuery(connectionString, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  };
  try {
    const backend = await createPostgresBackend({
      connectionString: withDatabase(connectionString, name),
      maxConnections: POSTGRES_CONNECTIONS,
    });
    return { backend, drop };
  } catch (error) {
    await drop();
    throw error;
  }
}

export async function startBenchDatabase(kind: BackendKind): Promise<BenchDatabase> {
  let drop: () => Promise<void> = async () => undefined;
  let backend: SqlBackend;
  if (kind === 'postgres') {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error('The postgres backend needs DATABASE_URL');
    const created = await createPostgresDatabase(url);
    backend = created.backend;
    drop = created.drop;
  } else {
    backend = await createPgliteBackend();
  }

  let emulator: DataApiEmulator;
  try {
    // Emulator errors for injected faults are expected; anything else is printed once by the emulator.
    emulator = await startDataApiEmulator({ backend });
  } catch (error) {
    await backend.close();
    await drop();
    throw error;
  }

  const clients: RDSDataClient[] = [];
  const createClient = () => {
    const client = new RDSDataClient({
      endpoint: emulator.url,
      region: REGION,
      credentials: DUMMY_CREDENTIALS,
      maxAttempts: 1,
    });
    clients.push(client);
    return client;
  };
  const executor = createDataApiExecutor({
    resourceArn: emulator.resourceArn,
    secretArn: emulator.secretArn,
    database: emulator.database,
    client: createClient(),
  });
  await applyMigrations(
    executor,
    await loadMigrationsFromDirectory(resolve(import.meta.dirname, '../../sql')),
  );

  return {
    backend: kind,
    emulator,
    resourceArn: emulator.resourceArn,
    secretArn: emulator.secretArn,
    database: emulator.database,
    executor,
    createClient,
    async close() {
      for (const client of clients) client.destroy();
      await emulator.close();
      await drop();
    },
  };
}
