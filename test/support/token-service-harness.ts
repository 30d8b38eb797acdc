import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  createTokenManager,
  type Environment,
  type LogSink,
  readTokenManagerConfig,
  type TokenManager,
  type TokenManagerOptions,
} from '@bluestakes/token-manager';
import {
  applyMigrations,
  createDataApiExecutor,
  credentialsSecretName,
  generateTokenKeyringSecret,
  loadMigrationsFromDirectory,
  type SqlExecutor,
} from '@bluestakes/token-manager/internal';
import { createCountingMetricsSink } from '@bluestakes/token-manager/testing';
import {
  type BluestakesSimulator,
  type BluestakesSimulatorOptions,
  startBluestakesSimulator,
} from '../../local/bluestakes-simulator';
import { type SecretsManagerStandIn, startSecretsManagerStandIn } from '../../local/secrets-manager';
import { startTestDataApi, type TestDataApi } from './data-api';

export const REGION = 'us-east-1';
export const DUMMY_CREDENTIALS = { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret-key' };
export const SECRET_PREFIX = 'bts-test';
export const KEY_SECRET_ID = 'bts-test/token-encryption-key';

export interface HarnessCompany {
  readonly id: string;
  readonly username: string;
  readonly password: string;
}

/** Every log line a token manager wrote, as JSON text, so tests can search them for secrets. */
export interface CapturedLogs extends LogSink {
  readonly lines: string[];
}

export function captureLogs(): CapturedLogs {
  const lines: string[] = [];
  const write = (level: string) => (message: string, extra?: Record<string, unknown>) => {
    lines.push(JSON.stringify({ level, message, ...extra }));
  };
  return { lines, debug: write('DEBUG'), info: write('INFO'), warn: write('WARN'), error: write('ERROR') };
}

export interface HarnessOptions {
  /** Settings as environment variables (strings), on top of fast test defaults. */
  readonly env?: Environment;
  readonly simulator?: BluestakesSimulatorOptions;
  readonly companies?: number;
}

export interface TokenServiceHarness {
  readonly dataApi: TestDataApi;
  readonly secrets: SecretsManagerStandIn;
  readonly simulator: BluestakesSimulator;
  readonly executor: SqlExecutor;
  readonly companies: HarnessCompany[];
  readonly logs: CapturedLogs;
  readonly env: Environment;
  /** A new token manager = a new container with its own in-process cache. */
  createManager(overrides?: Partial<TokenManagerOptions> & { env?: Environment }): TokenManager;
  createRdsDataClient(): RDSDataClient;
  createSecretsManagerClient(): SecretsManagerClient;
  /** Runs one SQL statement against the test database (assertions and fault set-up). */
  sql(statement: string, params?: Parameters<SqlExecutor['execute']>[1]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/**
 * Short rate-limit windows keep tests fast. Waits and timeouts are long, since on a loaded 2-core
 * machine a login over loopback can take seconds: a test about a deadline or a timeout sets its own.
 */
const FAST_DEFAULTS: Environment = {
  TOKEN_WAIT_TIMEOUT_MS: '60000',
  TOKEN_LEASE_SECONDS: '60',
  RATE_LIMIT_MAX_REQUESTS: '1000',
  RATE_LIMIT_WINDOW_MS: '1000',
  RATE_LIMIT_SAFETY_MARGIN_MS: '100',
  RATE_LIMIT_MAX_WAIT_MS: '10000',
  BLUESTAKES_LOGIN_TIMEOUT_MS: '10000',
  BLUESTAKES_REQUEST_TIMEOUT_MS: '10000',
  DATA_API_RESUME_BUDGET_MS: '5000',
};

export async function startTokenServiceHarness(options: HarnessOptions = {}): Promise<TokenServiceHarness> {
  const companyCount = options.companies ?? 1;
  const companies: HarnessCompany[] = Array.from({ length: companyCount }, (_, index) => ({
    id: String(index + 1),
    username: `company${index + 1}-user`,
    password: `pw-${index + 1}-${randomUUID()}`,
  }));

  const dataApi = await startTestDataApi();
  const secrets = await startSecretsManagerStandIn();
  const simulator = await startBluestakesSimulator({
    accounts: companies.map((company) => ({
      username: company.username,
      password: company.password,
      tickets: 5,
    })),
    ...options.simulator,
  });

  const createRdsDataClient = () =>
    new RDSDataClient({
      endpoint: dataApi.endpoint,
      region: REGION,
      credentials: DUMMY_CREDENTIALS,
      maxAttempts: 1,
    });
  const createSecretsManagerClient = () =>
    new SecretsManagerClient({ endpoint: secrets.url, region: REGION, credentials: DUMMY_CREDENTIALS });

  const executor = createDataApiExecutor({
    resourceArn: dataApi.resourceArn,
    secretArn: dataApi.secretArn,
    database: dataApi.database,
    client: createRdsDataClient(),
  });
  await applyMigrations(
    executor,
    await loadMigrationsFromDirectory(resolve(import.meta.dirname, '../../sql')),
  );

  const secretsClient = createSecretsManagerClient();
  await secretsClient.send(
    new CreateSecretCommand({ Name: KEY_SECRET_ID, SecretString: generateTokenKeyringSecret('k1') }),
  );
  for (const company of companies) {
    await executor.execute('INSERT INTO companies (id, name) VALUES (CAST(:id AS bigint), :name)', {
      id: company.id,
      name: `Company ${company.id}`,
    });
    await secretsClient.send(
      new CreateSecretCommand({
        Name: credentialsSecretName(SECRET_PREFIX, company.id),
        SecretString: JSON.stringify({ username: company.username, password: company.password }),
      }),
    );
  }

  const env: Environment = {
    ...FAST_DEFAULTS,
    DATABASE_RESOURCE_ARN: dataApi.resourceArn,
    DATABASE_SECRET_ARN: dataApi.secretArn,
    DATABASE_NAME: dataApi.database,
    BLUESTAKES_BASE_URL: simulator.url,
    CREDENTIALS_SECRET_PREFIX: SECRET_PREFIX,
    TOKEN_ENCRYPTION_KEY_SECRET_ID: KEY_SECRET_ID,
    ...options.env,
  };
  const logs = captureLogs();

  return {
    dataApi,
    secrets,
    simulator,
    executor,
    companies,
    logs,
    env,
    createRdsDataClient,
    createSecretsManagerClient,
    createManager({ env: extraEnv, ...overrides } = {}) {
      return createTokenManager({
        config: readTokenManagerConfig({ ...env, ...extraEnv }),
        rdsDataClient: createRdsDataClient(),
        secretsManagerClient: createSecretsManagerClient(),
        logger: logs,
        metrics: createCountingMetricsSink(),
        ...overrides,
      });
    },
    async sql(statement, params) {
      return (await executor.execute(statement, params)).rows;
    },
    async close() {
      await simulator.close();
      await secrets.close();
      await dataApi.close();
    },
  };
}
