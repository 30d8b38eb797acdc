/** A child process calling the library's `getOrRefreshToken` at a fixed rate (`library-worker.ts`). */
import { type ChildProcess, spawn } from 'node:child_process';
import type { LoadOptions, WorkerResult } from './load-report';
import { ROOT, type StackProcess } from './stack-process';

export interface Worker {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  readonly result: Promise<WorkerResult>;
}

/** Started idle: it prints LOAD_WORKER_READY, then runs when a line arrives on its stdin. */
export function startWorker(stack: StackProcess, load: LoadOptions, companies: readonly string[]): Worker {
  const child = spawn(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', 'scripts/load/library-worker.ts'],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        ...stack.env,
        POWERTOOLS_METRICS_DISABLED: 'true',
        POWERTOOLS_LOG_LEVEL: 'WARN',
        // Each worker re-checks its in-process copy against the database every second: L2 reads under load.
        TOKEN_L1_MAX_STALENESS_MS: '1000',
        LOAD_RATE: String(load.workerRate),
        LOAD_DURATION_MS: String(load.durationSeconds * 1000),
        LOAD_COMPANIES: companies.join(','),
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    err = (err + chunk.toString()).slice(-8_000);
  });
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  const ready = new Promise<void>((resolveReady, reject) => {
    const check = () => {
      if (out.includes('LOAD_WORKER_READY')) {
        child.stdout!.off('data', check);
        resolveReady();
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) =>
      reject(new Error(`a library worker exited (${code}) before it was ready:\n${err}`)),
    );
  });
  const result = exited.then((code) => {
    const line = out.split('\n').find((candidate) => candidate.startsWith('LOAD_WORKER_RESULT '));
    if (code !== 0 || line === undefined) throw new Error(`a library worker failed (${code}):\n${err}`);
    return JSON.parse(line.slice('LOAD_WORKER_RESULT '.length)) as WorkerResult;
  });
  // Avoid an unhandled rejection while the caller is still awaiting `ready`.
  result.catch(() => undefined);
  return { child, ready, result };
}
