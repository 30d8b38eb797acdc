import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import {
  CreateSecretCommand,
  ResourceExistsException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { getDefaultTokenManager } from '@bluestakes/token-manager';
import { DEFAULT_CREDENTIALS_SECRET_PREFIX } from '@bluestakes/token-manager/constants';
import {
  applyMigrations,
  type Company,
  type CompanyPage,
  createDataApiExecutor,
  generateTokenKeyringSecret,
  getDefaultCompanyRegistry,
  loadMigrationsFromDirectory,
  MAX_COMPANY_PAGE_SIZE,
} from '@bluestakes/token-manager/internal';
import { setDefaultCompanyRegistry, setDefaultTokenManager } from '@bluestakes/token-manager/testing';
import { HTTP_ROUTES } from '../functions/http-routes';
import {
  createInMemorySyncQueue,
  setDefaultSyncQueue,
  TICKET_SYNC_WORKER_TIMEOUT_SECONDS,
} from '../functions/tickets';
import { DEFAULT_CONFIG } from '../lib/config';
import { startLocalApiGateway } from './api-gateway';
import { type BluestakesSimulator, DEMO_ACCOUNTS, startBluestakesSimulator } from './bluestakes-simulator';
import { createPgliteBackend, createPostgresBackend, startDataApiEmulator } from './data-api-emulator';
import { DEPLOYED_TIMINGS } from './deployed-timings';
import { lambdaContext, scheduledEvent, sqsEvent } from './lambda-events';
import { startSecretsManagerStandIn } from './secrets-manager';

export interface LocalStackOptions {
  /** Where PGlite, the secrets and the API key persist. @default `.local` */
  readonly dataDir?: string;
  /** Keep nothing on disk (tests). @default false */
  readonly inMemory?: boolean;
  /** Use this PostgreSQL instead of the embedded PGlite. */
  readonly databaseUrl?: string;
  /** Use this Bluestakes API instead of starting the simulator. */
  readonly bluestakesBaseUrl?: string;
  readonly host?: string;
  /** Fixed ports so the printed variables stay valid across restarts; 0 picks free ones. */
  readonly ports?: {
    readonly api?: number;
    readonly dataApi?: number;
    readonly secrets?: number;
    readonly bluestakes?: number;
  };
  /** @default a random key, persisted in the data folder */
  readonly apiKey?: string;
  /** How often the scheduled cleanup runs, as EventBridge does in AWS. @default 30 min */
  readonly cleanupIntervalMs?: number;
  /**
   * An initialised PGlite data directory (a `dumpDataDir` tarball) a new embedded database starts
   * from instead of running initdb, which takes seconds; a database already on disk is opened as it is.
   * Tests pass the run's template. @default initdb
   */
  readonly pgliteTemplate?: Blob | undefined;
}

export interface DemoCompany {
  readonly id: string;
  readonly name: string;
  readonly username: string;
}

export interface LocalStack {
  /** The variables any other process can export to use the layer against this stack. */
  readonly env: Readonly<Record<string, string>>;
  readonly apiUrl: string;
  readonly apiKey: string;
  readonly bluestakesUrl: string;
  readonly simulator: BluestakesSimulator | undefined;
  readonly companies: readonly DemoCompany[];
  close(): Promise<void>;
}

const REGION = 'us-east-1';
const KEY_SECRET_ID = 'bluestakes-token-service/token-encryption-key';
const DATABASE_NAME = 'bluestakes';
const SQL_DIR = resolve(import.meta.dirname, '../sql');

/** A demo account's company name: `acme-excavating` -> `Acme Excavating`. */
function demoCompanyName(username: string): string {
  return username.replace(/-/g, ' ').replace(/\b\w/g, (letter) => letter.toUpperCase());
}

/**
 * Creates the demo companies the way an operator does (the registry behind `POST /companies`, then the
 * token manager behind `POST /tokens/credentials/{id}`), so the local stack exercises that very code.
 * Matched by name, so a restart on the same data folder creates nothing twice. Credentials are stored
 * unverified: one demo account refuses logins on purpose, and seeding must not spend upstream budget.
 */
async function seedDemoCompanies(): Promise<DemoCompany[]> {
  const registry = getDefaultCompanyRegistry();
  const existing = new Map<string, Company>();
  for (let cursor: string | null = null; ; ) {
    const page: CompanyPage = await registry.listCompanies({ limit: MAX_COMPANY_PAGE_SIZE, cursor });
    for (const company of page.companies) existing.set(company.name.toLowerCase(), company);
    if (page.next_cursor === null) break;
    cursor = page.next_cursor;
  }
  const seeded: DemoCompany[] = [];
  for (const { username, password } of DEMO_ACCOUNTS) {
    const name = demoCompanyName(username);
    const company = existing.get(name.toLowerCase()) ?? (await registry.createCompany({ name }));
    if (!company.has_credentials) {
      await getDefaultTokenManager().storeCredentials(company.id, { username, password }, { verify: false });
    }
    seeded.push({ id: company.id, name, username });
  }
  return seeded;
}

async function pgliteOptions(dataDir: string | undefined, template: Blob | undefined) {
  const pgliteDir = dataDir === undefined ? undefined : join(dataDir, 'pglite');
  const isNew = pgliteDir === undefined || !existsSync(join(pgliteDir, 'PG_VERSION'));
  return {
    ...(pgliteDir === undefined ? {} : { dataDir: pgliteDir }),
    ...(template !== undefined && isNew ? { loadDataDir: template } : {}),
  };
}

async function persistentApiKey(dataDir: string | undefined): Promise<string> {
  if (dataDir === undefined) return randomBytes(20).toString('hex');
  const file = join(dataDir, 'api-key');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const key = randomBytes(20).toString('hex');
    await writeFile(file, `${key}\n`, { mode: 0o600 });
    return key;
  }
}

async function createSecretIfAbsent(
  client: SecretsManagerClient,
  name: string,
  value: string,
): Promise<void> {
  try {
    await client.send(new CreateSecretCommand({ Name: name, SecretString: value }));
  } catch (error) {
    if (!(error instanceof ResourceExistsException)) throw error;
  }
}

/**
 * Starts the whole service on this machine: the Data API emulator (PGlite or PostgreSQL), the Secrets
 * Manager stand-in, the Bluestakes simulator and the local API gateway in front of the real handlers.
 * The production code runs unchanged: it finds the stand-ins through the standard AWS endpoint variables.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const host = options.host ?? '127.0.0.1';
  const ports = options.ports ?? {};
  const dataDir = options.inMemory ? undefined : resolve(options.dataDir ?? '.local');
  if (dataDir !== undefined) await mkdir(dataDir, { recursive: true });
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
  };

  try {
    const backend = options.databaseUrl
      ? await createPostgresBackend({ connectionString: options.databaseUrl })
      : await createPgliteBackend(await pgliteOptions(dataDir, options.pgliteTemplate));
    const emulator = await startDataApiEmulator({
      backend,
      host,
      port: ports.dataApi ?? 0,
      database: DATABASE_NAME,
    });
    closers.push(() => emulator.close());

    const secrets = await startSecretsManagerStandIn({
      host,
      port: ports.secrets ?? 0,
      region: REGION,
      ...(dataDir === undefined ? {} : { dataFile: join(dataDir, 'secrets.json') }),
    });
    closers.push(() => secrets.close());

    let simulator: BluestakesSimulator | undefined;
    if (options.bluestakesBaseUrl === undefined) {
      simulator = await startBluestakesSimulator({
        host,
        port: ports.bluestakes ?? 0,
        accounts: [...DEMO_ACCOUNTS],
      });
      closers.push(() => simulator!.close());
    }
    const bluestakesUrl = options.bluestakesBaseUrl ?? simulator!.url;

    const env: Record<string, string> = {
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_RDS_DATA: emulator.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
      DATABASE_RESOURCE_ARN: emulator.resourceArn,
      DATABASE_SECRET_ARN: emulator.secretArn,
      DATABASE_NAME: emulator.database,
      TOKEN_ENCRYPTION_KEY_SECRET_ID: KEY_SECRET_ID,
      CREDENTIALS_SECRET_PREFIX: DEFAULT_CREDENTIALS_SECRET_PREFIX,
      BLUESTAKES_BASE_URL: bluestakesUrl,
      DATA_API_RESUME_BUDGET_MS: String(DEPLOYED_TIMINGS.dataApiResumeBudgetMs),
    };
    // The handlers build their clients from the environment, exactly as in Lambda; defaults built for
    // an earlier stack in this process would point at its (closed) endpoints.
    Object.assign(process.env, env);
    setDefaultTokenManager(undefined);
    setDefaultCompanyRegistry(undefined);

    const executor = createDataApiExecutor({
      resourceArn: emulator.resourceArn,
      secretArn: emulator.secretArn,
      database: emulator.database,
      client: new RDSDataClient({ maxAttempts: 1 }),
    });
    await applyMigrations(executor, await loadMigrationsFromDirectory(SQL_DIR));

    const secretsClient = new SecretsManagerClient({});
    await createSecretIfAbsent(secretsClient, KEY_SECRET_ID, generateTokenKeyringSecret('local1'));
    const companies = simulator === undefined ? [] : await seedDemoCompanies();

    const apiKey = options.apiKey ?? (await persistentApiKey(dataDir));
    const gateway = await startLocalApiGateway({
      host,
      port: ports.api ?? 0,
      apiKey,
      routes: HTTP_ROUTES,
    });
    closers.push(() => gateway.close());

    // SQS stand-in: POST /tickets/sync enqueues here, and the real worker handler runs each message
    // in the background with the deployed timeout, message delays (a job's continuation), redelivery
    // and a dead-letter list as the SQS queue and its DLQ would.
    const { handler: processTicketSync } = await import('../functions/process-ticket-sync/handler');
    const syncQueue = createInMemorySyncQueue({
      worker: async (body, { receiveCount }) => {
        const context = lambdaContext('process-ticket-sync', TICKET_SYNC_WORKER_TIMEOUT_SECONDS * 1000);
        const { batchItemFailures } = await processTicketSync(sqsEvent(body, receiveCount), context);
        if (batchItemFailures.length > 0) throw new Error('The ticket sync worker reported a failure');
      },
      // Deliveries before a message is dead-lettered: the deployed queue's `maxReceiveCount`.
      maxAttempts: DEFAULT_CONFIG.tickets.maxReceiveCount,
      retryDelayMs: 60_000,
    });
    setDefaultSyncQueue(syncQueue);
    closers.push(async () => {
      setDefaultSyncQueue(undefined);
      // A sync held back by the upstream rate limit can run for minutes; shutting down must not wait for it.
      await syncQueue.close({ waitMs: 1000 });
    });

    const { handler: scheduledCleanup } = await import('../functions/run-scheduled-cleanup/handler');
    const timer = setInterval(
      () => {
        void Promise.resolve(
          scheduledCleanup(scheduledEvent(), lambdaContext('run-scheduled-cleanup')),
        ).catch(() => undefined /* the handler logs its own failures */);
      },
      options.cleanupIntervalMs ?? 30 * 60_000,
    );
    timer.unref();
    closers.push(async () => clearInterval(timer));

    return {
      env,
      apiUrl: gateway.url,
      apiKey,
      bluestakesUrl,
      simulator,
      companies,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
