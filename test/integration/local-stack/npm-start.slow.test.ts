import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPLOYED_TIMINGS } from '../../../local/deployed-timings';
import { localStackExamples } from '../../support/doc-examples';

const ROOT = resolve(import.meta.dirname, '../../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const run = promisify(execFile);

/** `npm start`'s environment: a data folder of its own, free ports, PGlite and the simulator. */
function stackEnv(dataDir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    LOCAL_DATA_DIR: dataDir,
    LOCAL_API_PORT: '0',
    LOCAL_DATA_API_PORT: '0',
    LOCAL_SECRETS_PORT: '0',
    LOCAL_BLUESTAKES_PORT: '0',
    DATABASE_URL: '',
    BLUESTAKES_BASE_URL: '',
    // The documented examples sync every company, which spends the default 10 upstream calls a minute;
    // the local simulator has no limit of its own, so the examples after them are checked too.
    RATE_LIMIT_MAX_REQUESTS: '1000',
  };
}

/** Starts `npm start`'s entry as a user would and waits for its export block. */
async function startStack(
  dataDir: string,
): Promise<{ child: ChildProcess; output: () => string; readyMs: number }> {
  const startedAt = Date.now();
  // node itself (not the tsx wrapper), so a kill reaches the stack and leaves no orphan behind.
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
    cwd: ROOT,
    env: stackEnv(dataDir),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  await new Promise<void>((resolveReady, reject) => {
    // A hang guard, not a speed claim: PGlite's start takes seconds idle, far longer on a loaded machine.
    const timer = setTimeout(() => reject(new Error(`no export block within 120 s:\n${text}`)), 120_000);
    const check = () => {
      if (text.includes('Ctrl-C stops it')) {
        clearTimeout(timer);
        resolveReady();
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => reject(new Error(`npm start exited early (${code}):\n${text}`)));
  });
  return { child, output: () => text, readyMs: Date.now() - startedAt };
}

/** Runs the example consumer with nothing but the exported variables, as a separate process would. */
async function runExample(
  variables: Record<string, string>,
  companyId: string,
): Promise<Record<string, unknown>> {
  const { stdout } = await run(TSX, ['local/examples/use-local-stack.ts', companyId], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...variables,
      POWERTOOLS_METRICS_DISABLED: 'true',
    },
    timeout: 30_000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

function exportedVariables(text: string): Record<string, string> {
  return Object.fromEntries(
    [...text.matchAll(/^export ([A-Z0-9_]+)=(.*)$/gm)].map((match) => [match[1]!, match[2]!.trim()]),
  );
}

describe('npm start', () => {
  let dataDir: string;
  let stack: Awaited<ReturnType<typeof startStack>>;
  let firstFingerprint: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'bts-local-'));
    stack = await startStack(dataDir);
  });

  afterAll(async () => {
    stack?.child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('prints an export block that lets another process use SQL, secrets and the layer', async () => {
    const variables = exportedVariables(stack.output());
    expect(Object.keys(variables)).toEqual(
      expect.arrayContaining([
        'AWS_ENDPOINT_URL_RDS_DATA',
        'AWS_ENDPOINT_URL_SECRETS_MANAGER',
        'AWS_REGION',
        'AWS_ACCESS_KEY_ID',
        'AWS_SECRET_ACCESS_KEY',
        'DATABASE_RESOURCE_ARN',
        'DATABASE_SECRET_ARN',
        'DATABASE_NAME',
      ]),
    );

    // The layer in another process gets the deployed resume budget, not the library's longer default.
    expect(variables.DATA_API_RESUME_BUDGET_MS).toBe(String(DEPLOYED_TIMINGS.dataApiResumeBudgetMs));

    const result = await runExample(variables, '2');

    expect(result).toMatchObject({ companies: 4, secretRoundTrip: true, hasValidToken: true });
    expect(result.tokenFingerprint).toBe(result.statusFingerprint);
    firstFingerprint = String(result.tokenFingerprint);
  });

  it('prints export API= and KEY= lines with which every curl example of the README and docs/ answers', async () => {
    const variables = exportedVariables(stack.output());
    expect(variables.API).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(variables.KEY).toMatch(/\S{16,}/);
    // docs/deploy.md speaks of a deployed stage (its $API is the stack's URL, its smoke --write needs a
    // real Bluestakes password): those examples need AWS, so only the local-stack docs run here.
    const docs = (await readdir(join(ROOT, 'docs'))).filter(
      (name) => name.endsWith('.md') && name !== 'deploy.md',
    );
    const examples = await localStackExamples(ROOT, ['README.md', ...docs.map((name) => `docs/${name}`)]);
    expect(examples.map((example) => example.where)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^README\.md:/),
        expect.stringMatching(/^docs\/tickets\.md:/),
      ]),
    );

    for (const example of examples) {
      const { stdout } = await run('bash', ['-c', example.script], {
        cwd: ROOT,
        env: { PATH: `${join(ROOT, 'node_modules/.bin')}:${process.env.PATH}`, ...variables },
        timeout: 30_000,
      });
      const answers = stdout
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as { success?: boolean });
      expect(answers, example.where).toHaveLength(example.curlCount);
      for (const answer of answers)
        expect(answer, `${example.where}: ${JSON.stringify(answer)}`).toMatchObject({ success: true });
    }
  });

  it('stops with one line naming LOCAL_API_PORT when that port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolveListen) => taken.listen(0, '127.0.0.1', resolveListen));
    const { port } = taken.address() as AddressInfo;
    const otherDir = await mkdtemp(join(tmpdir(), 'bts-local-port-'));
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
        cwd: ROOT,
        env: { ...stackEnv(otherDir), LOCAL_API_PORT: String(port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const code = await new Promise<number | null>((resolveExit) => child.once('exit', resolveExit));

      expect(code).toBe(1);
      expect(stderr.trim().split('\n')).toEqual([
        `Port ${port} is already in use: set LOCAL_API_PORT to a free port (LOCAL_API_PORT=0 picks one), or stop what listens there.`,
      ]);
    } finally {
      taken.close();
      await rm(otherDir, { recursive: true, force: true });
    }
  });

  it('stops cleanly on Ctrl-C and keeps its data for the next start', async () => {
    const before = await runExample(exportedVariables(stack.output()), '2');
    const exited = new Promise<number | null>((resolveExit) => stack.child.once('exit', resolveExit));
    stack.child.kill('SIGINT');
    expect(await exited).toBe(0);

    stack = await startStack(dataDir);
    const variables = exportedVariables(stack.output());
    const result = await runExample(variables, '2');
    // The token cached before the restart is still there: no new login was needed to answer.
    expect(result).toMatchObject({
      companies: before.companies,
      hasValidToken: true,
      tokenFingerprint: firstFingerprint,
    });
  });
});
