import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import * as publicFace from '@bluestakes/token-manager';
import * as internalFace from '@bluestakes/token-manager/internal';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_ROUTES } from '../../functions/http-routes';
import { sqlCopyCommands } from '../../lib/constructs/migrations';
import { FUNCTION_BUNDLE } from '../../lib/constructs/service-function';
import {
  bundleTokenManagerLayer,
  LAYER_PACKAGE_DIRECTORY,
  LAYER_PACKAGE_NAME,
  type LayerBundle,
} from '../../lib/constructs/token-manager-layer';
import { REPOSITORY_ROOT } from '../../lib/token-service-stack';
import { buildProxyEvent } from '../../local/api-gateway/proxy-event';
import type { LocalStack } from '../../local/local-stack';
import { loadPgliteTemplate } from '../support/pglite-template';

const LIBRARY_ROOT = join(REPOSITORY_ROOT, 'functions', 'layers', 'token-manager');
const SQL_DIRECTORY = join(REPOSITORY_ROOT, 'sql');
const FUNCTIONS_DIRECTORY = join(REPOSITORY_ROOT, 'functions');
const SQL_FILES = readdirSync(SQL_DIRECTORY)
  .filter((name) => name.endsWith('.sql'))
  .sort();

/** Every deployable handler: each `functions/<folder>/handler.ts`. */
const HANDLER_FOLDERS = readdirSync(FUNCTIONS_DIRECTORY, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(FUNCTIONS_DIRECTORY, entry.name, 'handler.ts')))
  .map((entry) => entry.name)
  .sort();

/**
 * Runs in a separate node, like the Lambda runtime: require the CJS bundle, call `handler` with the
 * event and a Lambda-shaped context, then report the answer and every module file that was loaded.
 * The marker keeps the report apart from the handler's own log lines.
 */
const PROBE = `
const [bundle, eventJson, extra] = process.argv.slice(1);
const handlerModule = require(bundle);
const context = {
  functionName: 'probe', functionVersion: '$LATEST', awsRequestId: 'probe-request', memoryLimitInMB: '512',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:probe',
  logGroupName: '/aws/lambda/probe', logStreamName: 'probe', callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 20000, done() {}, fail() {}, succeed() {},
};
(async () => {
  const answer = await handlerModule.handler(JSON.parse(eventJson), context);
  const migrations = extra === 'migrations'
    ? (await handlerModule.loadBundledMigrations()).map((migration) => migration.name)
    : undefined;
  const modules = Object.keys(require.cache);
  console.log('PROBE_REPORT ' + JSON.stringify({ answer, modules, migrations }));
  process.exit(0);
})().catch((error) => { console.error(error); process.exit(1); });
`;

interface ProbeReport {
  readonly answer: unknown;
  readonly modules: string[];
  readonly migrations?: string[];
}

interface ProbeRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function inputsOf(metafile: Metafile): string[] {
  return Object.keys(metafile.inputs);
}

/** Node modules esbuild took a file from, by package name (`@aws-sdk/client-sqs`, `zod`...). */
function packagesOf(metafile: Metafile): Set<string> {
  const names = new Set<string>();
  for (const input of inputsOf(metafile)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match?.[1] !== undefined) names.add(match[1]);
  }
  return names;
}

/** The version of the package a bundle input came from: the package.json above it in node_modules. */
function resolvedVersion(metafile: Metafile, absWorkingDir: string, packageName: string): string {
  const input = inputsOf(metafile).find((path) => path.includes(`node_modules/${packageName}/`));
  if (input === undefined) throw new Error(`${packageName} is not in the bundle`);
  const packageRoot = join(
    absWorkingDir,
    input.slice(0, input.indexOf(`node_modules/${packageName}/`) + `node_modules/${packageName}`.length),
  );
  return (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

/** A minimal API Gateway proxy event for a route, shaped like the one API Gateway sends. */
function routeEvent(method: string, resource: string): unknown {
  const pathParameters = Object.fromEntries(
    [...resource.matchAll(/\{([^}]+)\}/g)].map((match) => [match[1]!, '1']),
  );
  return buildProxyEvent({
    requestId: 'probe-request',
    method,
    resource,
    path: resource.replace(/\{[^}]+\}/g, '1'),
    rawQuery: '',
    pathParameters,
    rawHeaders: ['Host', 'example.execute-api.us-east-1.amazonaws.com', 'x-api-key', 'probe-key'],
    body: Buffer.alloc(0),
    sourceIp: '127.0.0.1',
    apiKey: 'probe-key',
    stage: 'v1',
    accountId: '123456789012',
    apiId: 'probe',
    binaryMediaTypes: [],
    receivedAt: new Date(),
  });
}

const SCHEDULED_EVENT = {
  version: '0',
  id: 'probe-event',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: '2026-01-01T00:00:00Z',
  region: 'us-east-1',
  resources: ['arn:aws:events:us-east-1:123456789012:rule/probe'],
  detail: {},
};

/** The handlers no route serves, each with the smallest event its trigger sends and what it answers. */
const NON_ROUTE_HANDLERS: Readonly<Record<string, { event: unknown; answer: unknown }>> = {
  'migrate-database': {
    event: {
      RequestType: 'Delete',
      PhysicalResourceId: 'bluestakes-token-service-schema',
      ResourceProperties: { ServiceToken: 'arn', Task: 'apply-migrations' },
    },
    answer: { PhysicalResourceId: 'bluestakes-token-service-schema' },
  },
  'run-scheduled-cleanup': { event: SCHEDULED_EVENT, answer: expect.objectContaining({ tokens_cleaned: 0 }) },
  'schedule-ticket-sync': { event: SCHEDULED_EVENT, answer: { enqueued: 0, joined: 0 } },
  'process-ticket-sync': { event: { Records: [] }, answer: { batchItemFailures: [] } },
};

describe('the layer and every handler bundle, loaded the way Lambda loads them', () => {
  let root: string;
  let layerRoot: string;
  let layer: LayerBundle;
  let localStack: LocalStack;
  const bundles = new Map<string, { taskRoot: string; metafile: Metafile }>();

  /** Only the layer on NODE_PATH (no runtime SDK, no repository node_modules), cwd in the bundle. */
  const runProbe = (
    folder: string,
    event: unknown,
    options: { nodePath?: string; extra?: string } = {},
  ): Promise<ProbeRun> => {
    const { taskRoot } = bundles.get(folder)!;
    const nodePath = 'nodePath' in options ? options.nodePath : join(layerRoot, 'nodejs', 'node_modules');
    return new Promise((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ['-e', PROBE, join(taskRoot, 'index.js'), JSON.stringify(event), options.extra ?? ''],
        {
          cwd: taskRoot,
          env: {
            PATH: process.env.PATH,
            ...(nodePath === undefined ? {} : { NODE_PATH: nodePath }),
            ...localStack.env,
            // Nothing listens there: a handler that tried to send a message would fail, not reach AWS.
            AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:9',
            TICKET_SYNC_QUEUE_URL: 'http://127.0.0.1:9/123456789012/ticket-sync',
            POWERTOOLS_DEV: 'false',
          },
          timeout: 60_000,
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      child.on('error', reject);
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
  };

  const reportOf = (run: ProbeRun): ProbeReport => {
    const line = run.stdout.split('\n').find((l) => l.startsWith('PROBE_REPORT '));
    if (run.status !== 0 || line === undefined) {
      throw new Error(`the probe failed (exit ${run.status}):\n${run.stderr.slice(0, 2000)}`);
    }
    return JSON.parse(line.slice('PROBE_REPORT '.length)) as ProbeReport;
  };

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'token-service-bundle-'));
    // The layer's content is extracted to /opt; each function's to /var/task.
    layerRoot = join(root, 'opt');
    layer = bundleTokenManagerLayer(LIBRARY_ROOT, layerRoot);
    // One esbuild service for every handler (buildSync would start a process per bundle).
    const built = HANDLER_FOLDERS.map(async (folder) => {
      const taskRoot = join(root, 'functions', folder, 'var', 'task');
      mkdirSync(taskRoot, { recursive: true });
      // The options NodejsFunction turns FUNCTION_BUNDLE into (see ServiceFunction).
      const { metafile } = await build({
        entryPoints: [join(FUNCTIONS_DIRECTORY, folder, 'handler.ts')],
        outfile: join(taskRoot, 'index.js'),
        absWorkingDir: REPOSITORY_ROOT,
        bundle: true,
        platform: 'node',
        format: FUNCTION_BUNDLE.format,
        target: FUNCTION_BUNDLE.target,
        minify: FUNCTION_BUNDLE.minify,
        keepNames: FUNCTION_BUNDLE.keepNames,
        external: [...FUNCTION_BUNDLE.externalModules],
        metafile: true,
        logLevel: 'silent',
      });
      bundles.set(folder, { taskRoot, metafile });
    });
    await Promise.all(built);
    const migrations = bundles.get('migrate-database')!;
    for (const command of sqlCopyCommands(SQL_DIRECTORY, migrations.taskRoot)) {
      execFileSync('bash', ['-c', command]);
    }
    // The Data API emulator and the Secrets Manager stand-in the handlers reach through the standard
    // AWS endpoint variables; no Bluestakes (nothing here may log in) and so no demo companies.
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    const { startLocalStack } = await import('../../local/local-stack');
    const pgliteTemplate = await loadPgliteTemplate();
    localStack = await startLocalStack({
      inMemory: true,
      pgliteTemplate,
      bluestakesBaseUrl: 'https://127.0.0.1:9',
      ports: { api: 0, dataApi: 0, secrets: 0 },
    });
    // Bundling every handler takes seconds, but minutes on a loaded 2-core machine.
  }, 600_000);
  afterAll(async () => {
    await localStack?.close();
    rmSync(root, { recursive: true, force: true });
  });

  describe('the layer', () => {
    it('puts one CommonJS bundle under nodejs/node_modules/@bluestakes/token-manager, a file per face and a package.json', () => {
      expect(layer.packageDirectory).toBe(join(layerRoot, LAYER_PACKAGE_DIRECTORY));
      expect(readdirSync(layer.packageDirectory).sort()).toEqual([
        'index.js',
        'internal.js',
        'library.js',
        'package.json',
      ]);
      const manifest = JSON.parse(readFileSync(join(layer.packageDirectory, 'package.json'), 'utf8'));
      expect(manifest).toEqual({
        name: LAYER_PACKAGE_NAME,
        version: expect.any(String),
        main: 'index.js',
        exports: { '.': './index.js', './internal': './internal.js' },
      });
      expect(manifest).not.toHaveProperty('type');
    });

    it('serves the public API and /internal through NODE_PATH, sharing one copy of the library, and nothing else', () => {
      const probe = `
        const face = (name) => { try { return Object.keys(require(name)).sort(); } catch (error) { return error.code; } };
        const thrown = (run) => { try { run(); } catch (error) { return error; } };
        const invalid = thrown(() => require('${LAYER_PACKAGE_NAME}/internal').parseCompanyId('not a number'));
        console.log(JSON.stringify({
          index: face('${LAYER_PACKAGE_NAME}'),
          internal: face('${LAYER_PACKAGE_NAME}/internal'),
          testing: face('${LAYER_PACKAGE_NAME}/testing'),
          bundle: face('${LAYER_PACKAGE_NAME}/library.js'),
          // What the error mapping relies on: an error raised behind /internal is the public class.
          sameClasses: invalid instanceof require('${LAYER_PACKAGE_NAME}').InvalidInputError,
        }));
      `;
      const output = execFileSync(process.execPath, ['-e', probe], {
        cwd: root,
        env: { PATH: process.env.PATH, NODE_PATH: join(layerRoot, 'nodejs', 'node_modules') },
      });
      const faces = JSON.parse(output.toString());
      expect(faces.index).toEqual(Object.keys(publicFace).sort());
      expect(faces.internal).toEqual(Object.keys(internalFace).sort());
      expect(faces.testing).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
      expect(faces.bundle).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
      expect(faces.sameClasses).toBe(true);
    });

    it('carries the AWS SDK clients at the versions pinned in the library, the ones its tests run', () => {
      const pinned = (
        JSON.parse(readFileSync(join(LIBRARY_ROOT, 'package.json'), 'utf8')) as {
          dependencies: Record<string, string>;
        }
      ).dependencies;
      const clients = Object.keys(pinned).filter((name) => name.startsWith('@aws-sdk/client-'));
      expect(clients).toEqual(['@aws-sdk/client-rds-data', '@aws-sdk/client-secrets-manager']);
      for (const client of clients) {
        expect(resolvedVersion(layer.metafile, LIBRARY_ROOT, client), client).toBe(pinned[client]);
        // What the tests import resolves to the same copy.
        const testedManifest = join(
          dirname(createRequire(join(LIBRARY_ROOT, 'package.json')).resolve(`${client}/package.json`)),
          'package.json',
        );
        expect(JSON.parse(readFileSync(testedManifest, 'utf8')).version, client).toBe(pinned[client]);
      }
      const code = readFileSync(join(layer.packageDirectory, 'library.js'), 'utf8');
      const leftToTheRuntime = new Set(code.match(/require\("@(aws-sdk|smithy)\/[^"]+"\)/g));
      // The one exception: the SDK's optional CRT signer (SigV4a only), required in a try/catch and
      // installed by nobody here, in Lambda neither.
      expect([...leftToTheRuntime]).toEqual(['require("@aws-sdk/signature-v4-crt")']);
    });
  });

  describe('each handler bundle', () => {
    it('covers every handler folder: a route, or a known trigger with its minimal event', () => {
      const routed = new Set(HTTP_ROUTES.map((route) => route.handler));
      const unknown = HANDLER_FOLDERS.filter(
        (folder) => !routed.has(folder) && !(folder in NON_ROUTE_HANDLERS),
      );
      expect(unknown, 'add the minimal event of each new trigger to NON_ROUTE_HANDLERS').toEqual([]);
      expect(HANDLER_FOLDERS.length).toBe(routed.size + Object.keys(NON_ROUTE_HANDLERS).length);
    });

    it('leaves the library to the layer and bundles no second copy of what the layer carries', () => {
      const layerPackages = packagesOf(layer.metafile);
      for (const [folder, { metafile }] of bundles) {
        const inputs = inputsOf(metafile);
        expect(
          inputs.filter((path) => path.includes('functions/layers/token-manager')),
          folder,
        ).toEqual([]);
        const duplicated = [...packagesOf(metafile)].filter(
          (name) => name.startsWith('@aws-sdk/client-') && layerPackages.has(name),
        );
        expect(duplicated, folder).toEqual([]);
      }
    });

    it.each(HTTP_ROUTES.map((route) => [`${route.method} ${route.path}`, route] as const))(
      '%s: loads with only its bundle and the layer, and answers',
      async (_name, route) => {
        const report = reportOf(await runProbe(route.handler, routeEvent(route.method, route.path)));
        const answer = report.answer as { statusCode: number; body: string };
        expect(answer.statusCode, answer.body).toBeLessThan(500);
        expect(() => JSON.parse(answer.body)).not.toThrow();
        expectLoadedOnlyFromBundleAndLayer(report, route.handler);
      },
    );

    it.each(Object.entries(NON_ROUTE_HANDLERS))(
      '%s: loads with only its bundle and the layer, and answers its trigger',
      async (folder, { event, answer }) => {
        const report = reportOf(await runProbe(folder, event));
        expect(report.answer).toEqual(answer);
        expectLoadedOnlyFromBundleAndLayer(report, folder);
      },
    );

    it('finds the SQL files copied next to the migration bundle', async () => {
      expect(readdirSync(join(bundles.get('migrate-database')!.taskRoot, 'sql')).sort()).toEqual(SQL_FILES);
      const report = reportOf(
        await runProbe('migrate-database', NON_ROUTE_HANDLERS['migrate-database']!.event, {
          extra: 'migrations',
        }),
      );
      expect(report.migrations).toEqual(SQL_FILES);
    });

    it('cannot find the library without the layer on NODE_PATH (the bundle does not carry it)', async () => {
      const { taskRoot } = bundles.get('get-token-stats')!;
      expect(existsSync(join(taskRoot, 'node_modules'))).toBe(false);
      const run = await runProbe('get-token-stats', routeEvent('GET', '/tokens/stats'), {
        nodePath: undefined,
      });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain(`Cannot find module '${LAYER_PACKAGE_NAME}'`);
    });
  });

  function expectLoadedOnlyFromBundleAndLayer(report: ProbeReport, folder: string): void {
    const { taskRoot } = bundles.get(folder)!;
    const files = report.modules.filter((path) => path.includes(sep));
    const outside = files.filter(
      (path) => !path.startsWith(taskRoot + sep) && !path.startsWith(layerRoot + sep),
    );
    expect(outside, folder).toEqual([]);
    expect(files, folder).toContain(join(layer.packageDirectory, 'library.js'));
  }
});
