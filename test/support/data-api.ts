/**
 * Starts a Data API emulator for a test file: an empty in-memory PGlite by default (one a finished test
 * handed back, emptied, when there is one), or, when DATABASE_URL is set, a fresh uniquely named database
 * on that PostgreSQL server (dropped again by `close()`), so test files running in parallel never share
 * state.
 */
import { randomBytes } from 'node:crypto';
import { RDSDataClient, type RDSDataClientConfig } from '@aws-sdk/client-rds-data';
import pg from 'pg';
import {
  createPostgresBackend,
  type DataApiEmulator,
  type DataApiEmulatorOptions,
  type SqlBackend,
  startDataApiEmulator,
} from '../../local/data-api-emulator';
import { takePgliteBackend } from './pglite-pool';

export type DataApiBackendKind = 'pglite' | 'postgres';

const databaseUrl = process.env.DATABASE_URL;

/** ['pglite'] plus 'postgres' when process.env.DATABASE_URL is set. */
export const availableBackends: readonly DataApiBackendKind[] = databaseUrl
  ? ['pglite', 'postgres']
  : ['pglite'];

export interface TestDataApi {
  readonly backend: DataApiBackendKind;
  /** http://127.0.0.1:<port> */
  readonly endpoint: string;
  /** Cluster ARN the emulator accepts. */
  readonly resourceArn: string;
  /** DB secret ARN it accepts. */
  readonly secretArn: string;
  readonly database: string;
  /** For fault injection, limits and stats. */
  readonly emulator: DataApiEmulator;
  /** Region us-east-1, dummy static credentials, endpoint set; `config` overrides (e.g. maxAttempts). */
  createClient(config?: Partial<RDSDataClientConfig>): RDSDataClient;
  /** Stops the server and drops the per-test database. */
  close(): Promise<void>;
}

export interface StartTestDataApiOptions {
  readonly backend?: DataApiBackendKind;
  /** Emulator options other than the backend (limits, ARNs). */
  readonly emulator?: Omit<DataApiEmulatorOptions, 'backend'>;
}

const TEST_CREDENTIALS = { accessKeyId: 'AKIDTESTTESTTESTTEST', secretAccessKey: 'test-secret-not-real' };

function withDatabase(connectionString: string, database: string): string {
  const url = new URL(connectionString);
  url.pathname = `/${database}`;
  return url.toString();
}

async function withAdminClient<T>(
  connectionString: string,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function createTestDatabase(
  connectionString: string,
): Promise<{ backend: SqlBackend; drop(): Promise<void> }> {
  const name = `bts_test_${randomBytes(6).toString('hex')}`;
  await withAdminClient(connectionString, (client) => client.query(`CREATE DATABASE "${name}"`));
  const drop = () =>
    withAdminClient(connectionString, async (client) => {
      await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    });
  try {
    return {
      backend: await createPostgresBackend({ connectionString: withDatabase(connectionString, name) }),
      drop,
    };
  } catch (error) {
    await drop();
    throw error;
  }
}

export async function startTestDataApi(options: StartTestDataApiOptions = {}): Promise<TestDataApi> {
  const kind = options.backend ?? (databaseUrl ? 'postgres' : 'pglite');
  let dropDatabase: () => Promise<void> = async () => undefined;
  let backend: SqlBackend;
  if (kind === 'postgres') {
    if (!databaseUrl) throw new Error('The postgres Data API backend needs DATABASE_URL');
    const created = await createTestDatabase(databaseUrl);
    backend = created.backend;
    dropDatabase = created.drop;
  } else {
    backend = await takePgliteBackend();
  }

  let emulator: DataApiEmulator;
  try {
    emulator = await startDataApiEmulator({ ...options.emulator, backend });
  } catch (error) {
    await backend.close();
    await dropDatabase();
    throw error;
  }

  const clients: RDSDataClient[] = [];
  return {
    backend: kind,
    endpoint: emulator.url,
    resourceArn: emulator.resourceArn,
    secretArn: emulator.secretArn,
    database: emulator.database,
    emulator,
    createClient(config = {}) {
      const client = new RDSDataClient({
        region: 'us-east-1',
        endpoint: emulator.url,
        credentials: TEST_CREDENTIALS,
        ...config,
      });
      clients.push(client);
      return client;
    },
    async close() {
      for (const client of clients) client.destroy();
      await emulator.close();
      await dropDatabase();
    },
  };
}
