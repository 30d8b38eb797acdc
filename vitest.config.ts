import { availableParallelism } from 'node:os';
import { defineConfig, defineProject, type TestProjectInlineConfiguration } from 'vitest/config';
import { LongFilesFirstSequencer } from './test/support/long-files-first-sequencer.ts';

type ProjectTestOptions = NonNullable<TestProjectInlineConfiguration['test']>;

/**
 * Test layout (directories, so a new file lands in the right project by where it is and how it is named):
 *   test/unit/**         unit        no I/O beyond loopback mocks: CPU-bound, one worker per core
 *   test/infra/**        infra       CDK synth, esbuild bundles, cdk-nag: CPU-bound, one worker per core
 *   test/integration/**  integration real parts over loopback (PGlite or PostgreSQL, simulator): mostly
 *                                    waiting on sockets and timers, so more files run at once than cores
 *   test/integration/{http-api,local-stack,cli}/**
 *                        handlers    the same, through the real handlers, one module graph per file
 *   **\/*.slow.test.ts    slow        load, soak, benchmark, process-kill and spawned-stack suites: not in
 *                                    `npm test`; `npm run test:slow` runs them one file at a time, since
 *                                    each of them measures or loads the whole machine
 * `npm test` runs every project but slow; `.ci/run` runs both commands.
 */
const SLOW = '**/*.slow.test.ts';
const cores = availableParallelism();
// One initialised PGlite cluster per run, loaded by every PGlite a test starts (no initdb per test).
const PGLITE_TEMPLATE = 'test/support/pglite-template.ts';

/** Integration files that run the real handlers: where they live, so new ones land here too. */
const THROUGH_HANDLERS = [
  'test/integration/http-api/**/*.test.ts',
  'test/integration/local-stack/**/*.test.ts',
  'test/integration/cli/**/*.test.ts',
];

const shared: ProjectTestOptions = {
  environment: 'node',
  pool: 'forks',
  // WebAssembly (PGlite's PostgreSQL, CDK's template validation) runs on V8's baseline compiler only:
  // optimising the hot parts of a 10 MB module costs more CPU than a test file ever gets back from it.
  execArgv: ['--liftoff-only'],
  testTimeout: 30_000,
  hookTimeout: 60_000,
  restoreMocks: true,
  // Powertools writes logs and metrics straight to stdout: held back unless a test fails.
  setupFiles: ['test/support/quiet-output.ts'],
  env: {
    // Handler tests assert that metrics are flushed; a developer's shell must not change that.
    POWERTOOLS_METRICS_DISABLED: 'false',
    POWERTOOLS_DEV: 'false',
  },
};

const integration: ProjectTestOptions = {
  ...shared,
  globalSetup: [PGLITE_TEMPLATE],
  // Timeouts catch hangs, not slowness: a 2-core machine shared with other jobs can take many times
  // longer than an idle one to start PGlite or finish a scenario.
  testTimeout: 120_000,
  hookTimeout: 180_000,
};

export default defineConfig({
  test: {
    // console.* output of passing tests is dropped; a failing test shows its own.
    silent: 'passed-only',
    sequence: { sequencer: LongFilesFirstSequencer },
    projects: [
      defineProject({
        // Unit files share no state worth a fresh module graph each: one graph per worker saves most
        // of their time, which is importing (the AWS SDK, Powertools, zod), not testing.
        test: {
          ...shared,
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          exclude: [SLOW],
          isolate: false,
        },
      }),
      defineProject({
        // cdk synth and esbuild are CPU-bound: seconds idle, far more on a loaded machine.
        test: {
          ...shared,
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          // aws-cdk-lib is most of an infra file's time: one import per worker, not one per file.
          isolate: false,
          // The bundled handlers are checked against a local stack's embedded database.
          globalSetup: [PGLITE_TEMPLATE],
          exclude: [SLOW],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      }),
      defineProject({
        // Every part built by the test from explicit settings (harness factories): nothing read from
        // process.env, no module-level default set, so the files of a worker share one module graph
        // and skip re-importing the AWS SDK, PGlite and the library per file.
        test: {
          ...integration,
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          exclude: [SLOW, ...THROUGH_HANDLERS],
          isolate: false,
        },
      }),
      defineProject({
        // The real handlers (local gateway, local stack, CLI): they read their settings once per
        // process and keep module-level defaults, as in Lambda, so each file gets a fresh module graph.
        test: {
          ...integration,
          name: 'handlers',
          include: THROUGH_HANDLERS,
          exclude: [SLOW],
        },
      }),
      defineProject({
        test: {
          ...shared,
          name: 'slow',
          include: [`test/${SLOW}`],
          globalSetup: [PGLITE_TEMPLATE],
          fileParallelism: false,
          testTimeout: 240_000,
          hookTimeout: 300_000,
          sequence: { groupOrder: 1 },
        },
      }),
    ],
    // Integration files mostly wait on I/O: twice the cores keeps the CPU busy without starving timers.
    maxWorkers: Math.max(2, cores * 2),
  },
});
