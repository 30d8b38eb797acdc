import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlCopyCommands } from '../../lib/constructs/migrations';
import { FUNCTION_BUNDLE } from '../../lib/constructs/service-function';
import {
  bundleTokenManagerLayer,
  LAYER_PACKAGE_DIRECTORY,
  LAYER_PACKAGE_NAME,
  type LayerBundle,
} from '../../lib/constructs/token-manager-layer';
import { REPOSITORY_ROOT } from '../../lib/token-service-stack';

const LIBRARY_ROOT = join(REPOSITORY_ROOT, 'functions', 'layers', 'token-manager');
const SQL_DIRECTORY = join(REPOSITORY_ROOT, 'sql');

/** Runs in a separate node, like the Lambda runtime: require the CJS handler, report what it loaded. */
const PROBE = `
const handlerModule = require(process.argv[1]);
const loaded = Object.keys(require.cache).filter((path) => path.includes('@bluestakes'));
handlerModule.loadBundledMigrations()
  .then(async (migrations) => {
    const deleted = await handlerModule.handler({
      RequestType: 'Delete',
      PhysicalResourceId: 'bluestakes-token-service-schema',
      ResourceProperties: { ServiceToken: 'arn', Task: 'apply-migrations' },
    });
    console.log(JSON.stringify({
      handlerType: typeof handlerModule.handler,
      loaded,
      migrations: migrations.map((migration) => migration.name),
      deleted,
    }));
  })
  .catch((error) => { console.error(error); process.exit(1); });
`;

interface ProbeResult {
  readonly handlerType: string;
  readonly loaded: string[];
  readonly migrations: string[];
  readonly deleted: { PhysicalResourceId: string };
}

function inputsOf(metafile: Metafile): string[] {
  return Object.keys(metafile.inputs);
}

describe('the migration handler bundled with the layer, as Lambda loads them', () => {
  let root: string;
  let layer: LayerBundle;
  let taskRoot: string;
  let handlerMetafile: Metafile;
  let runtimeModules: string;

  const runProbe = (nodePath: string | undefined) =>
    spawnSync(process.execPath, ['-e', PROBE, join(taskRoot, 'index.js')], {
      cwd: taskRoot,
      encoding: 'utf8',
      timeout: 20_000,
      env: {
        PATH: process.env.PATH,
        ...(nodePath === undefined ? {} : { NODE_PATH: nodePath }),
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        POWERTOOLS_DEV: 'false',
        DATABASE_RESOURCE_ARN: 'arn:aws:rds:us-east-1:123456789012:cluster:tokens',
        DATABASE_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf',
        DATABASE_NAME: 'bluestakes',
        TOKEN_ENCRYPTION_KEY_SECRET_ID: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:keys-AbCdEf',
      },
    });

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'token-service-bundle-'));
    // The layer's content is extracted to /opt; the function's to /var/task.
    layer = bundleTokenManagerLayer(LIBRARY_ROOT, join(root, 'opt'));
    taskRoot = join(root, 'var', 'task');
    mkdirSync(taskRoot, { recursive: true });
    // The options NodejsFunction turns FUNCTION_BUNDLE into (see ServiceFunction).
    handlerMetafile = buildSync({
      entryPoints: [join(REPOSITORY_ROOT, 'functions', 'migrate-database', 'handler.ts')],
      outfile: join(taskRoot, 'index.js'),
      absWorkingDir: REPOSITORY_ROOT,
      bundle: true,
      platform: 'node',
      format: FUNCTION_BUNDLE.format,
      target: FUNCTION_BUNDLE.target,
      minify: FUNCTION_BUNDLE.minify,
      keepNames: FUNCTION_BUNDLE.keepNames,
      sourcemap: FUNCTION_BUNDLE.sourceMap,
      sourcesContent: FUNCTION_BUNDLE.sourcesContent,
      external: [...FUNCTION_BUNDLE.externalModules],
      metafile: true,
      logLevel: 'silent',
    }).metafile;
    for (const command of sqlCopyCommands(SQL_DIRECTORY, taskRoot)) execFileSync('bash', ['-c', command]);
    // Stands in for the runtime's /var/runtime/node_modules: the SDK and friends, no token manager.
    runtimeModules = join(root, 'var', 'runtime', 'node_modules');
    mkdirSync(runtimeModules, { recursive: true });
    for (const entry of readdirSync(join(REPOSITORY_ROOT, 'node_modules'))) {
      if (entry === '@bluestakes' || entry.startsWith('.')) continue;
      symlinkSync(join(REPOSITORY_ROOT, 'node_modules', entry), join(runtimeModules, entry));
    }
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('puts one CommonJS file under nodejs/node_modules/@bluestakes/token-manager with a package.json', () => {
    expect(layer.packageDirectory).toBe(join(root, 'opt', LAYER_PACKAGE_DIRECTORY));
    expect(readdirSync(layer.packageDirectory).sort()).toEqual(['index.js', 'index.js.map', 'package.json']);
    const manifest = JSON.parse(readFileSync(join(layer.packageDirectory, 'package.json'), 'utf8'));
    expect(manifest).toEqual({ name: LAYER_PACKAGE_NAME, version: expect.any(String), main: 'index.js' });
    expect(manifest).not.toHaveProperty('type');
  });

  it('ships no AWS SDK in the layer: the runtime provides it', () => {
    const inputs = inputsOf(layer.metafile);
    expect(inputs).toContain('src/token-manager/token-manager.ts');
    expect(inputs.filter((path) => /node_modules\/@(aws-sdk|smithy)\//.test(path))).toEqual([]);
    const code = readFileSync(join(layer.packageDirectory, 'index.js'), 'utf8');
    expect(code).toContain('require("@aws-sdk/client-rds-data")');
    expect(code).toContain('require("@aws-sdk/client-secrets-manager")');
  });

  it('keeps the library and the SDK out of the handler bundle and copies the SQL next to it', () => {
    const inputs = inputsOf(handlerMetafile);
    expect(inputs.filter((path) => path.includes('functions/layers/token-manager'))).toEqual([]);
    expect(inputs.filter((path) => /node_modules\/@(aws-sdk|smithy)\//.test(path))).toEqual([]);
    expect(readFileSync(join(taskRoot, 'index.js'), 'utf8')).toContain(`require("${LAYER_PACKAGE_NAME}")`);
    expect(readdirSync(join(taskRoot, 'sql')).sort()).toEqual(
      readdirSync(SQL_DIRECTORY)
        .filter((name) => name.endsWith('.sql'))
        .sort(),
    );
  });

  it('loads the library from the layer folder through NODE_PATH, as the Lambda runtime does', () => {
    // Lambda's NODE_PATH: /opt/nodejs/node_modules (layers) before /var/runtime/node_modules (the SDK).
    const run = runProbe([join(root, 'opt', 'nodejs', 'node_modules'), runtimeModules].join(':'));
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as ProbeResult;
    expect(result.handlerType).toBe('function');
    expect(result.loaded).toEqual([join(layer.packageDirectory, 'index.js')]);
    expect(result.migrations).toEqual(
      readdirSync(SQL_DIRECTORY)
        .filter((name) => name.endsWith('.sql'))
        .sort(),
    );
    expect(result.deleted).toEqual({ PhysicalResourceId: 'bluestakes-token-service-schema' });
  });

  it('cannot find the library without the layer on NODE_PATH (the bundle does not carry it)', () => {
    expect(existsSync(join(taskRoot, 'node_modules'))).toBe(false);
    const run = runProbe(runtimeModules);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain(`Cannot find module '${LAYER_PACKAGE_NAME}'`);
  });
});
