import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  createTokenManager,
  getDefaultTokenManager,
  readTokenManagerConfig,
} from '@bluestakes/token-manager';
import {
  createDataApiExecutor,
  parseTokenKeyring,
  type SqlExecutor,
} from '@bluestakes/token-manager/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '../../../local/bluestakes-simulator';
import { type LocalStack, startLocalStack } from '../../../local/local-stack';
import { loadPgliteTemplate } from '../../support/pglite-template';
import { type CapturedOutput, captureProcessOutput } from '../../support/process-output';

/**
 * One whole scenario with distinctive secret values (passwords, the API key, the encryption key, every
 * token the simulator mints for us) through the HTTP API, the library and the local stack, in one
 * process. Every output is captured and searched: stdout and stderr (log lines and metrics EMF lines),
 * response bodies, every error thrown (with its cause chain), and every row of every table.
 */
const canary = (label: string) => `LeakCanary-${label}-${randomBytes(9).toString('hex')}`;
const API_KEY = canary('ApiKey');
const PASSWORDS = {
  acme: canary('AcmePw'),
  bee: canary('BeePw'),
  wasatch: canary('WasatchPw'),
  wrong: canary('WrongPw'),
};
const JWT = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/;

describe('secret leak check of a whole scenario', () => {
  let stack: LocalStack;
  let executor: SqlExecutor;
  let output: CapturedOutput | undefined;
  const bodies: string[] = [];
  const errors: string[] = [];
  const tokens = new Set<string>();

  beforeAll(async () => {
    output = captureProcessOutput();
    stack = await startLocalStack({
      inMemory: true,
      pgliteTemplate: await loadPgliteTemplate(),
      apiKey: API_KEY,
      ports: { api: 0, dataApi: 0, secrets: 0, bluestakes: 0 },
    });
    executor = createDataApiExecutor({
      resourceArn: stack.env.DATABASE_RESOURCE_ARN!,
      secretArn: stack.env.DATABASE_SECRET_ARN!,
      database: stack.env.DATABASE_NAME!,
      client: new RDSDataClient({ maxAttempts: 1 }),
    });
    // Bluestakes now knows the companies by distinctive passwords (the seeded secrets hold the demo ones).
    stack.simulator!.updateAccount('acme-excavating', { password: PASSWORDS.acme });
    stack.simulator!.updateAccount('beehive-fiber', { password: PASSWORDS.bee });
    stack.simulator!.updateAccount('wasatch-plumbing', { password: PASSWORDS.wasatch });
  });

  afterAll(async () => {
    await stack?.close();
    output?.stop();
  });

  async function call(method: string, path: string, body?: string, key: string | null = API_KEY) {
    const headers: Record<string, string> = {};
    if (key !== null) headers['x-api-key'] = key;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${stack.apiUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    bodies.push(`${response.status} ${[...response.headers].join(' ')} ${text}`);
    return response.status;
  }

  /** Runs a library call, keeping what it returned or threw (with the whole cause chain). */
  async function attempt<T>(work: () => Promise<T>): Promise<T | undefined> {
    try {
      return await work();
    } catch (error) {
      errors.push(inspect(error, { depth: 10, showHidden: false }), JSON.stringify(error), String(error));
      return undefined;
    }
  }

  it('runs the scenario: HTTP API, library, faults, 401s, 429s, rejected and stored credentials', async () => {
    const acme = JSON.stringify({ username: 'acme-excavating', password: PASSWORDS.acme });
    const wrongAcme = JSON.stringify({ username: 'acme-excavating', password: PASSWORDS.wrong });
    expect(await call('POST', '/tokens/credentials/1', acme)).toBe(200);
    expect(await call('POST', '/tokens/credentials/test', wrongAcme)).toBe(422);
    expect(
      await call(
        'POST',
        '/tokens/credentials/2',
        JSON.stringify({ username: 'beehive-fiber', password: PASSWORDS.wrong }),
      ),
    ).toBe(422);
    expect(
      await call(
        'POST',
        `/tokens/credentials/test?username=acme-excavating&password=${PASSWORDS.acme}`,
        acme,
      ),
    ).toBe(400);
    expect(await call('POST', '/tokens/credentials/1', acme.slice(0, -2))).toBe(400);
    expect(await call('GET', '/tokens/stats', undefined, PASSWORDS.acme)).toBe(403);

    const manager = getDefaultTokenManager();
    const ticket = stack.simulator!.tickets('acme-excavating')[0]!.ticket;
    const first = await attempt(() => manager.getOrRefreshToken('1'));
    if (first !== undefined) tokens.add(first);
    stack.simulator!.revokeAll();
    await attempt(() =>
      manager.makeAuthenticatedRequest('1', async (api) => {
        tokens.add(api.token);
        return api.getTicket(ticket);
      }),
    );
    await attempt(() =>
      manager.storeCredentials('2', { username: 'beehive-fiber', password: PASSWORDS.bee }),
    );
    const bee = await attempt(() => manager.getOrRefreshToken('2'));
    if (bee !== undefined) tokens.add(bee);

    // Company 3's secret still holds the demo password: the login is rejected and a hold set.
    await attempt(() => manager.getOrRefreshToken('3'));
    const raw = await attempt(() => manager.getBluestakesAuthTokenRaw('wasatch-plumbing', PASSWORDS.wasatch));
    if (raw !== undefined) tokens.add(raw);
    await attempt(() => manager.testCredentials({ username: 'wasatch-plumbing', password: PASSWORDS.wrong }));
    await attempt(() =>
      manager.storeCredentials(
        '3',
        { username: 'wasatch-plumbing', password: PASSWORDS.wasatch },
        { verify: false },
      ),
    );
    stack.simulator!.injectFaults({ kind: 'status', status: 503, target: 'login', count: 1 });
    await attempt(() =>
      createTokenManager({ config: readTokenManagerConfig(process.env) }).getOrRefreshToken('3'),
    );
    stack.simulator!.injectFaults({ kind: 'drop', target: 'login', count: 1 });
    await attempt(() => manager.getBluestakesAuthTokenRaw('wasatch-plumbing', PASSWORDS.wasatch));

    // A 429 storm on ticket calls writes the rate-limit table.
    stack.simulator!.configure({
      rateLimit: { limit: 1, windowMs: 2_000, sendRetryAfter: true, retryAfterFormat: 'seconds' },
    });
    for (let index = 0; index < 3; index++) {
      await attempt(() =>
        manager.makeAuthenticatedRequest('1', async (api) => {
          tokens.add(api.token);
          return api.getTicket(ticket);
        }),
      );
    }
    stack.simulator!.configure({ rateLimit: null });
    expect(errors.length).toBeGreaterThan(0);

    // Handlers flush the metrics the library added meanwhile as EMF lines.
    for (const route of ['/tokens/stats', '/tokens/1/status', '/tokens/2/status', '/tokens/3/status']) {
      expect(await call('GET', route)).toBe(200);
    }
    expect(await call('DELETE', '/tokens/2')).toBe(200);
    expect(await call('POST', '/tokens/cleanup')).toBe(200);
    expect(tokens.size).toBeGreaterThanOrEqual(3);
  });

  it('stores every token encrypted: the raw column holds no token nor any part of one', async () => {
    const { rows } = await executor.execute(
      'SELECT id, bluestakes_token AS token FROM companies WHERE bluestakes_token IS NOT NULL',
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const stored = String(row.token);
      expect(stored).toMatch(/^enc:v1:[A-Za-z0-9_-]+:[A-Za-z0-9+/=]+$/);
      for (const token of tokens) {
        for (const part of token.split('.')) expect(stored).not.toContain(part);
      }
    }
  });

  it('finds no password, API key, key material or token in any output, error, body or table row, and no username in the rate-limit table', async () => {
    const tables = await executor.execute(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
    );
    const dumps: string[] = [];
    for (const { name } of tables.rows) {
      const { rows } = await executor.execute(`SELECT row_to_json(t)::text AS row FROM "${String(name)}" t`);
      dumps.push(...rows.map((row) => `${String(name)}: ${String(row.row)}`));
    }
    const secrets = new SecretsManagerClient({});
    const keyring = parseTokenKeyring(
      (await secrets.send(new GetSecretValueCommand({ SecretId: stack.env.TOKEN_ENCRYPTION_KEY_SECRET_ID! })))
        .SecretString!,
    );
    const keyMaterial = Object.values(keyring.keys).flatMap((key) => {
      const bytes = Buffer.from(key);
      return [bytes.toString('base64'), bytes.toString('hex'), bytes.toString('base64url')];
    });
    const searched = [
      API_KEY,
      ...Object.values(PASSWORDS),
      ...DEMO_ACCOUNTS.map((account) => account.password),
      ...keyMaterial,
      ...[...tokens].flatMap((token) => [token, token.split('.')[2]!]),
    ];

    const outputs = {
      'stdout/stderr': output!.text(),
      'response bodies': bodies.join('\n'),
      errors: errors.join('\n'),
      'table rows': dumps.join('\n'),
    };
    // The capture really holds each kind of output.
    expect(outputs['stdout/stderr']).toContain('Credentials stored');
    expect(outputs['stdout/stderr']).toContain('"_aws"');
    expect(outputs['stdout/stderr']).toContain('Logged in to Bluestakes');
    expect(outputs['table rows']).toContain('token_auth_events: ');
    expect(outputs['table rows']).toMatch(/bluestakes_rate_limits: .*"blocked_until":"20/);
    expect(outputs.errors).toContain('CREDENTIALS_REJECTED');

    // Rate-limit keys name a Bluestakes account by a hash, never by its username.
    const limitRows = dumps.filter((row) => row.startsWith('bluestakes_rate_limits: ')).join('\n');
    for (const { username } of DEMO_ACCOUNTS) expect(limitRows).not.toContain(username);

    const found: string[] = [];
    for (const [where, text] of Object.entries(outputs)) {
      for (const secret of searched)
        if (text.includes(secret)) found.push(`${where}: ${secret.slice(0, 12)}…`);
      const jwt = JWT.exec(text);
      if (jwt) found.push(`${where}: a JWT ${jwt[0].slice(0, 12)}…`);
    }
    expect(found).toEqual([]);
  });
});
