import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { runCli as RunCli } from '../../../cli/main';
import type { LocalStack } from '../../../local/local-stack';
import { recordingIo } from '../../support/cli-io';
import { loadPgliteTemplate } from '../../support/pglite-template';

const ROOT = resolve(import.meta.dirname, '../../..');
const run = promisify(execFile);
const DEMO = { username: 'acme-excavating', password: 'demo-acme' };

/**
 * The operator CLI and the smoke check against the pieces `npm start` runs (local gateway, real
 * handlers, Data API emulator, Secrets Manager stand-in, Bluestakes simulator), in this process.
 */
describe('bluestakes-tokens against the local stack', () => {
  let stack: LocalStack;
  let runCli: typeof RunCli;
  let target: Record<string, string>;

  beforeAll(async () => {
    // Quiet handlers: set before the library (and its Logger and Metrics) is first imported.
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    const { startLocalStack } = await import('../../../local/local-stack');
    ({ runCli } = await import('../../../cli/main'));
    const pgliteTemplate = await loadPgliteTemplate();
    stack = await startLocalStack({
      inMemory: true,
      ports: { api: 0, dataApi: 0, secrets: 0, bluestakes: 0 },
      pgliteTemplate,
    });
    target = { BLUESTAKES_API_URL: stack.apiUrl, BLUESTAKES_API_KEY: stack.apiKey };
  });

  afterAll(async () => {
    await stack?.close();
  });

  async function cli(argv: string[], options: { stdin?: string; env?: Record<string, string> } = {}) {
    const io = recordingIo({ ...target, ...options.env }, options.stdin ?? '');
    const code = await runCli(argv, io);
    return { code, out: io.out(), err: io.err() };
  }

  it('passes the read-only smoke check, one line per check, touching nothing', async () => {
    const before = await cli(['companies', 'list', '--json']);
    const result = await cli(['smoke']);

    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    const lines = result.out.trim().split('\n');
    expect(lines[0]).toContain('(read-only)');
    expect(lines.filter((line) => line.startsWith('ok  ')).length).toBeGreaterThanOrEqual(16);
    expect(lines.filter((line) => line.startsWith('FAIL'))).toEqual([]);
    expect(result.out).toContain('ok    API key required');
    expect(result.out).toContain('ok    PATCH /companies/{company_id} answers as documented');
    expect(lines.at(-1)).toMatch(/^\d+ checks passed, 0 failed, \d+ skipped$/);
    expect((await cli(['companies', 'list', '--json'])).out).toBe(before.out);
  });

  it('passes the write smoke check with a scratch company it removes, the password coming from stdin', async () => {
    const result = await cli(['smoke', '--write', '--username', DEMO.username], {
      stdin: `${DEMO.password}\n`,
    });

    expect(result.code).toBe(0);
    expect(result.out).toContain(
      'ok    a ticket call reuses the cached token (same fingerprint, no new login)',
    );
    expect(result.out).toContain('ok    DELETE /tokens/{company_id} clears the token');
    expect(result.out).toContain('ok    the scratch company is removed');
    expect(result.out).not.toContain('FAIL');
    expect(result.out).not.toContain(DEMO.password);
    const companies = JSON.parse((await cli(['companies', 'list', '--all', '--json'])).out) as {
      companies: { name: string }[];
    };
    expect(
      companies.companies.map((company) => company.name).filter((name) => name.startsWith('smoke-')),
    ).toEqual([]);
  });

  it('fails the smoke check, exit 3, when the key is wrong', async () => {
    const result = await cli(['smoke'], { env: { BLUESTAKES_API_KEY: 'not-the-key' } });
    expect(result.code).toBe(3);
    expect(result.err).toContain('API key was refused');
  });

  it('runs as the package bin with --api and --key, as `npm run smoke -- --api URL --key KEY` does', async () => {
    const { stdout } = await run(
      process.execPath,
      ['cli/bluestakes-tokens.js', 'smoke', '--api', stack.apiUrl, '--key', stack.apiKey],
      { cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME }, timeout: 120_000 },
    );
    expect(stdout).toMatch(/\d+ checks passed, 0 failed/);
  });

  it('manages a company from creation to deletion', async () => {
    const added = await cli(['companies', 'add', 'Granite Trenching', '--ttl', '900', '--json']);
    expect(added.code).toBe(0);
    const company = JSON.parse(added.out) as {
      id: string;
      token_ttl_seconds: number;
      has_credentials: boolean;
    };
    expect(company).toMatchObject({ token_ttl_seconds: 900, has_credentials: false });

    const table = await cli(['companies', 'list']);
    expect(table.out.split('\n')[0]).toMatch(/^ID\s+NAME\s+ENABLED\s+CREDENTIALS\s+TOKEN/);
    expect(table.out).toMatch(new RegExp(`^${company.id}\\s+Granite Trenching\\s+yes\\s+no\\s+none`, 'm'));

    const set = await cli(['credentials', 'set', company.id, '--username', DEMO.username], {
      stdin: DEMO.password,
    });
    expect(set).toMatchObject({ code: 0, err: '' });
    expect(set.out).toContain('verified by a login');
    const status = JSON.parse((await cli(['status', company.id, '--json'])).out) as Record<string, unknown>;
    expect(status).toMatchObject({ company_id: company.id, has_valid_token: true });
    expect(JSON.stringify(status)).not.toContain(DEMO.password);

    expect((await cli(['clear', company.id])).out).toContain(`Token of company ${company.id} cleared`);
    expect(JSON.parse((await cli(['status', company.id, '--json'])).out)).toMatchObject({ has_token: false });

    const shown = await cli(['companies', 'show', company.id]);
    expect(shown.out).toMatch(/^name\s+Granite Trenching$/m);
    expect(shown.out).toMatch(/^token\.state\s+none$/m);

    const refused = await cli(['companies', 'delete', company.id]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('COMPANY_ENABLED');
    expect(refused.err).toContain(`bluestakes-tokens companies update <company_id> --disable`);

    expect(
      (await cli(['companies', 'update', company.id, '--disable', '--name', 'Granite Trenching LLC'])).code,
    ).toBe(0);
    const disabled = JSON.parse((await cli(['companies', 'show', company.id, '--json'])).out);
    expect(disabled).toMatchObject({ enabled: false, name: 'Granite Trenching LLC' });
    expect((await cli(['credentials', 'delete', company.id])).out).toContain('deleted');
    expect((await cli(['companies', 'delete', company.id])).code).toBe(0);

    const gone = await cli(['companies', 'show', company.id]);
    expect(gone.code).toBe(1);
    expect(gone.err).toContain('COMPANY_NOT_FOUND');
    expect(gone.err).toContain('bluestakes-tokens companies list');
  });

  it('tests credentials without storing them, exit 1 when Bluestakes rejects them', async () => {
    const good = await cli(['credentials', 'test', '--username', DEMO.username], { stdin: DEMO.password });
    const bad = await cli(['credentials', 'test', '--username', DEMO.username], { stdin: 'wrong' });
    expect(good.code).toBe(0);
    expect(good.out).toContain('accepted');
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('rejected');
  });

  it('prints stats and runs the cleanup', async () => {
    const stats = JSON.parse((await cli(['stats', '--json'])).out) as Record<string, number>;
    expect(stats).toMatchObject({ total_cached: expect.any(Number), held_companies: 0 });
    const cleanup = await cli(['cleanup']);
    expect(cleanup.out).toMatch(/^tokens_cleaned\s+\d+$/m);
  });

  it('rotates the token keyring; a token written before stays in use', async () => {
    // Company 2 (beehive-fiber): its own upstream budget, apart from the other tests' account.
    await cli(['credentials', 'set', '2', '--username', 'beehive-fiber'], { stdin: 'demo-bee' });
    const before = JSON.parse((await cli(['status', '2', '--json'])).out) as { token_fingerprint: string };

    const rotated = await cli(['rotate-key', '--json'], { env: stack.env });

    expect(rotated.code).toBe(0);
    const rotation = JSON.parse(rotated.out) as { currentKeyId: string; keyIds: string[] };
    expect(rotation.keyIds).toEqual(['local1', rotation.currentKeyId]);
    const secrets = new SecretsManagerClient({});
    const keyring = JSON.parse(
      (await secrets.send(new GetSecretValueCommand({ SecretId: stack.env.TOKEN_ENCRYPTION_KEY_SECRET_ID })))
        .SecretString ?? '',
    ) as { currentKeyId: string; keys: Record<string, string> };
    expect(keyring.currentKeyId).toBe(rotation.currentKeyId);
    expect(Object.keys(keyring.keys)).toEqual(rotation.keyIds);
    // A ticket lookup decrypts and uses the token written with the old key: no new login.
    await fetch(`${stack.apiUrl}/tickets/A000000001/location?company_id=2`, {
      headers: { 'x-api-key': stack.apiKey },
    });
    expect(JSON.parse((await cli(['status', '2', '--json'])).out)).toMatchObject({
      has_valid_token: true,
      token_fingerprint: before.token_fingerprint,
    });
  });

  it('says what to do when the command line or the target is wrong', async () => {
    expect(await cli(['frobnicate'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('Unknown command'),
    });
    expect(await cli(['status'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('Missing <company_id>'),
    });
    expect(await cli(['stats', '--colour'])).toMatchObject({
      code: 2,
      err: expect.stringContaining("Unknown option '--colour'"),
    });
    const noTarget = await runCli(['stats'], recordingIo({}));
    expect(noTarget).toBe(2);
    const unreachable = await cli(['stats'], { env: { BLUESTAKES_API_URL: 'http://127.0.0.1:9/' } });
    expect(unreachable.code).toBe(3);
    expect(unreachable.err).toContain('Could not reach http://127.0.0.1:9');
  });
});
