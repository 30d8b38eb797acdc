import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createTokenManager, readTokenManagerConfig, type TokenManager } from '@bluestakes/token-manager';
import {
  createDataApiExecutor,
  credentialsSecretName,
  decryptToken,
  parseTokenKeyring,
  type SqlExecutor,
} from '@bluestakes/token-manager/internal';
import { createCountingMetricsSink } from '@bluestakes/token-manager/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '../../../local/bluestakes-simulator';
import { ROOT, type StackProcess, startStackProcess } from '../../../scripts/load/stack-process';
import {
  checkCompanyRow,
  outcomeOf,
  typedError,
  upstreamLogins,
  waitUntil,
  within,
} from '../../support/reliability-checks';
import {
  captureLogs,
  DUMMY_CREDENTIALS,
  REGION,
  startTokenServiceHarness,
  type TokenServiceHarness,
} from '../../support/token-service-harness';

const WORKER = 'test/support/reliability-token-worker.ts';
/** Short lease, so the takeover after a dead holder is quick; it must exceed max wait + login timeout. */
const FAST_LEASE = {
  TOKEN_LEASE_SECONDS: '4',
  RATE_LIMIT_MAX_WAIT_MS: '500',
  BLUESTAKES_LOGIN_TIMEOUT_MS: '3000',
};
const LOGIN_ENDPOINT = 'POST /api/login-json';

const children = new Set<ChildProcess>();

afterEach(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
});

describe('a lease holder killed with SIGKILL in the middle of its login', () => {
  let harness: TokenServiceHarness;

  beforeAll(async () => {
    harness = await startTokenServiceHarness({ companies: 1, env: FAST_LEASE });
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('blocks nobody past the lease expiry: a survivor takes over with one login and the row stays whole', async () => {
    const { id, username } = harness.companies[0]!;
    harness.simulator.configure({ latencyMs: 2_000 });
    const env = Object.fromEntries(
      Object.entries(harness.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
    const worker = spawn(process.execPath, ['--import', 'tsx', WORKER, id], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        ...env,
        ...FAST_LEASE,
        AWS_REGION: REGION,
        AWS_ACCESS_KEY_ID: DUMMY_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: DUMMY_CREDENTIALS.secretAccessKey,
        AWS_ENDPOINT_URL_RDS_DATA: harness.dataApi.endpoint,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: harness.secrets.url,
        POWERTOOLS_METRICS_DISABLED: 'true',
        WORKER_INSTANCE_ID: 'doomed-container',
      },
      stdio: 'ignore',
    });
    children.add(worker);
    const exited = new Promise((resolveExit) => worker.once('exit', (_code, signal) => resolveExit(signal)));

    // Kill it once it holds the lease and its login is in flight upstream.
    await waitUntil(async () => {
      const [row] = await harness.sql(
        'SELECT token_lease_owner AS owner FROM companies WHERE id = CAST(:id AS bigint)',
        {
          id,
        },
      );
      return (
        row?.owner === 'doomed-container' &&
        (harness.simulator.stats().requestsByEndpoint[LOGIN_ENDPOINT] ?? 0) > 0
      );
    }, 'the worker to hold the lease and send its login');
    worker.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const [orphan] = await harness.sql(
      'SELECT token_lease_until AS until, token_lease_until > now() AS live FROM companies WHERE id = CAST(:id AS bigint)',
      { id },
    );
    expect(orphan?.live).toBe(true);
    harness.simulator.configure({ latencyMs: 0 });

    const token = await within(harness.createManager().getOrRefreshToken(id), 'the survivor');

    const row = await checkCompanyRow(harness, id);
    expect(row).toMatchObject({ token, version: 1, tokenWrites: 1, loginEvents: 1, leaseRemainingMs: 0 });
    // The dead holder's login may still have completed upstream; nobody else logged in twice.
    expect(upstreamLogins(harness, username)).toBeLessThanOrEqual(2);
    // The survivor logged in only once the orphaned lease had expired (database clock).
    const [login] = await harness.sql(
      "SELECT created_at >= CAST(:until AS timestamptz) AS after_expiry FROM token_auth_events WHERE company_id = CAST(:id AS bigint) AND event = 'login'",
      { id, until: `${String(orphan?.until)}Z` },
    );
    expect(login?.after_expiry).toBe(true);
  }, 40_000);
});

describe('the whole local stack killed with SIGKILL in the middle of a refresh, then restarted', () => {
  let dataDir: string;
  let stack: StackProcess | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'bts-kill-'));
  });

  afterAll(async () => {
    await stack?.stop('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  /** A container pointed at the stack's printed endpoints. */
  function clientsFor(running: StackProcess) {
    const rds = new RDSDataClient({
      endpoint: running.env.AWS_ENDPOINT_URL_RDS_DATA,
      region: REGION,
      credentials: DUMMY_CREDENTIALS,
      maxAttempts: 1,
    });
    const secrets = new SecretsManagerClient({
      endpoint: running.env.AWS_ENDPOINT_URL_SECRETS_MANAGER,
      region: REGION,
      credentials: DUMMY_CREDENTIALS,
    });
    const executor: SqlExecutor = createDataApiExecutor({
      resourceArn: running.env.DATABASE_RESOURCE_ARN!,
      secretArn: running.env.DATABASE_SECRET_ARN!,
      database: running.env.DATABASE_NAME!,
      client: rds,
    });
    const manager: TokenManager = createTokenManager({
      config: readTokenManagerConfig({ ...running.env, ...FAST_LEASE }),
      rdsDataClient: rds,
      secretsManagerClient: secrets,
      logger: captureLogs(),
      metrics: createCountingMetricsSink(),
    });
    const secret = async (name: string) =>
      (await secrets.send(new GetSecretValueCommand({ SecretId: name }))).SecretString;
    const row = async (companyId: string) =>
      (
        await executor.execute(
          `SELECT bluestakes_token AS token, bluestakes_token_version AS version,
                  COALESCE(token_lease_until > now(), false) AS lease_live,
                  (SELECT count(*) FROM token_auth_events e WHERE e.company_id = c.id AND e.event = 'login') AS logins
           FROM companies c WHERE id = CAST(:id AS bigint)`,
          { id: companyId },
        )
      ).rows[0]!;
    const simulator = async (path: string, body?: unknown) => {
      const response = await fetch(`${running.bluestakesUrl}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(5_000),
      });
      return (await response.json()) as Record<string, unknown>;
    };
    return { manager, secret, row, simulator };
  }

  it('loses no token, key or credential, leaves no lease past its expiry, and serves again after the restart', async () => {
    stack = await startStackProcess({ dataDir, readyTimeoutMs: 120_000 });
    const before = clientsFor(stack);
    const keyringSecretId = stack.env.TOKEN_ENCRYPTION_KEY_SECRET_ID!;
    const prefix = stack.env.CREDENTIALS_SECRET_PREFIX!;
    const companies = DEMO_ACCOUNTS.map((_, index) => String(index + 1));

    const firstToken = await within(before.manager.getOrRefreshToken('1'), 'company 1 token');
    const firstRow = await before.row('1');
    const keyring = await before.secret(keyringSecretId);
    const credentials = await Promise.all(
      companies.map((id) => before.secret(credentialsSecretName(prefix, id))),
    );

    // Company 2's refresh: lease taken, login in flight (the simulator answers after 10 s), then SIGKILL.
    await before.simulator('/__sim/config', { latencyMs: 10_000 });
    const refresh = outcomeOf(before.manager.getOrRefreshToken('2'), 'the refresh cut by the kill');
    await waitUntil(async () => {
      const stats = await before.simulator('/__sim/stats');
      const byEndpoint = stats.requestsByEndpoint as Record<string, number>;
      return (byEndpoint[LOGIN_ENDPOINT] ?? 0) >= 2 && (await before.row('2')).lease_live === true;
    }, 'company 2 to be mid-login under its lease');
    expect(await stack.stop('SIGKILL')).toBe('SIGKILL');

    // The caller gets a typed error in bounded time, not a hang.
    const error = typedError(await refresh);
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');

    stack = await startStackProcess({ dataDir, readyTimeoutMs: 120_000 });
    const after = clientsFor(stack);

    expect(await after.secret(keyringSecretId)).toBe(keyring);
    expect(await Promise.all(companies.map((id) => after.secret(credentialsSecretName(prefix, id))))).toEqual(
      credentials,
    );
    const sameRow = await after.row('1');
    expect(sameRow).toEqual(firstRow);
    expect(
      decryptToken(parseTokenKeyring(keyring!), String(sameRow.token), { companyId: '1', version: '1' }),
    ).toBe(firstToken);
    // Company 1 is served from the database without a login at the new simulator.
    expect(await within(after.manager.getOrRefreshToken('1'), 'company 1 after restart')).toBe(firstToken);

    const secondToken = await within(after.manager.getOrRefreshToken('2'), 'company 2 after restart');
    const second = await after.row('2');
    expect(second).toMatchObject({ version: '1', lease_live: false, logins: '1' });
    expect(
      decryptToken(parseTokenKeyring(keyring!), String(second.token), { companyId: '2', version: '1' }),
    ).toBe(secondToken);
    const stats = await after.simulator('/__sim/stats');
    expect(stats.logins).toEqual({ 'beehive-fiber': { ok: 1, failed: 0 } });

    const status = await fetch(`${stack.apiUrl}/tokens/2/status`, {
      headers: { 'x-api-key': stack.apiKey },
      signal: AbortSignal.timeout(10_000),
    });
    expect(await status.json()).toMatchObject({ has_valid_token: true, lease: { held: false } });
  }, 90_000);
});
