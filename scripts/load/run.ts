/**
 * Sustained-load run against one local stack (`local/start.ts` in a child process):
 * - autocannon at a fixed rate on the local gateway's `GET /tokens/{id}/status` and `GET /tokens/stats`;
 * - several child processes calling the library's `getOrRefreshToken` at a fixed rate each;
 * for a set duration, then a report of throughput, latency percentiles, errors, upstream logins and the
 * stack's RSS sampled every second. Exits 1 on any error or when an offered rate was not held (95 %).
 * Not a benchmark with latency targets: the figures measured are in docs/load.md.
 *
 *   npx tsx scripts/load/run.ts [--quick] [--duration 120] [--status-rate 100] [--stats-rate 20]
 *                               [--workers 3] [--worker-rate 100] [--connections 10] [--json]
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import autocannon, { type Result } from 'autocannon';
import type { LatencySummary } from './latency-summary';
import { ROOT, residentSetBytes, type StackProcess, startStackProcess } from './stack-process';

const COMPANIES = ['1', '2', '3'];
const mib = (bytes: number | undefined) =>
  bytes === undefined ? 'n/a' : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

interface LoadOptions {
  readonly durationSeconds: number;
  readonly statusRate: number;
  readonly statsRate: number;
  readonly workers: number;
  readonly workerRate: number;
  readonly connections: number;
}

interface WorkerResult {
  readonly pid: number;
  readonly calls: number;
  readonly errors: number;
  readonly errorCodes: Record<string, number>;
  readonly callsPerSecond: number;
  readonly latencyMs: LatencySummary;
  readonly maxInFlight: number;
  readonly distinctTokens: number;
  readonly metrics: Record<string, number>;
  readonly rssStartBytes: number;
  readonly rssEndBytes: number;
  readonly heapAfterGcStartBytes?: number;
  readonly heapAfterGcEndBytes?: number;
}

interface HttpFigures {
  readonly route: string;
  readonly offeredPerSecond: number;
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly latencyMs: { p50: number; p90: number; p99: number; p999: number; max: number; mean: number };
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
}

interface LoadReport {
  readonly options: LoadOptions;
  readonly machine: string;
  readonly http: readonly HttpFigures[];
  readonly library: {
    readonly workers: readonly WorkerResult[];
    readonly calls: number;
    readonly callsPerSecond: number;
    readonly errors: number;
  };
  readonly upstreamLogins: Record<string, unknown>;
  readonly dataApiCalls: number | undefined;
  readonly stackRss: {
    /** Right after the warm-up, before the measured load. */
    readonly beforeBytes: number | undefined;
    readonly afterBytes: number | undefined;
    readonly settledBytes: number | undefined;
    readonly maxBytes: number | undefined;
    /** Lowest and highest sample over the second half of the load (the start-up heap is collected by then). */
    readonly steadyMinBytes: number | undefined;
    readonly steadyMaxBytes: number | undefined;
    /** One sample per second during the load. */
    readonly samplesBytes: readonly number[];
  };
  readonly errors: number;
  /** Every load held at least 95 % of its offered rate. */
  readonly rateHeld: boolean;
}

const RATE_HELD_FRACTION = 0.95;

function options(argv: readonly string[]): LoadOptions & { json: boolean } {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      duration: { type: 'string' },
      'status-rate': { type: 'string', default: '100' },
      'stats-rate': { type: 'string', default: '20' },
      workers: { type: 'string', default: '3' },
      'worker-rate': { type: 'string', default: '100' },
      connections: { type: 'string', default: '10' },
      json: { type: 'boolean', default: false },
    },
  });
  const positive = (name: string, value: string | undefined) => {
    const number = Number(value);
    if (!Number.isFinite(number) || number <= 0) throw new Error(`--${name} must be a positive number`);
    return number;
  };
  return {
    durationSeconds: positive('duration', values.duration ?? (values.quick ? '15' : '120')),
    statusRate: positive('status-rate', values['status-rate']),
    statsRate: positive('stats-rate', values['stats-rate']),
    workers: Math.round(positive('workers', values.workers)),
    workerRate: positive('worker-rate', values['worker-rate']),
    connections: Math.round(positive('connections', values.connections)),
    json: values.json ?? false,
  };
}

function describeMachine(): string {
  const cores = cpus();
  return `${cores.length} × ${cores[0]?.model.trim() ?? 'unknown CPU'}, ${mib(totalmem())} RAM, Linux ${release()}, Node ${process.version}`;
}

interface Worker {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  readonly result: Promise<WorkerResult>;
}

function startWorker(stack: StackProcess, load: LoadOptions): Worker {
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
        LOAD_COMPANIES: COMPANIES.join(','),
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

function httpFigures(route: string, offered: number, result: Result): HttpFigures {
  const { latency } = result;
  return {
    route,
    offeredPerSecond: offered,
    requests: result.requests.total,
    requestsPerSecond: Math.round((result.requests.total / result.duration) * 10) / 10,
    latencyMs: {
      p50: latency.p50,
      p90: latency.p90,
      p99: latency.p99,
      p999: latency.p99_9,
      max: latency.max,
      mean: Math.round(latency.average * 100) / 100,
    },
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
  };
}

async function adminJson(url: string): Promise<Record<string, unknown> | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    return (await response.json()) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Runs the load against a fresh local stack in a temporary data folder, and removes both afterwards. */
async function runLoad(load: LoadOptions, progress: (line: string) => void): Promise<LoadReport> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bts-load-'));
  const workers: Worker[] = [];
  let stack: StackProcess | undefined;
  const samples: number[] = [];
  let sampler: NodeJS.Timeout | undefined;
  try {
    progress('starting the local stack');
    stack = await startStackProcess({ dataDir, env: { POWERTOOLS_LOG_LEVEL: 'WARN' } });
    const running = stack;
    const headers = { 'x-api-key': running.apiKey };

    progress(`starting ${load.workers} library workers (warm-up: one call per company)`);
    for (let index = 0; index < load.workers; index++) workers.push(startWorker(running, load));
    await Promise.all(workers.map((worker) => worker.ready));
    const warm = await autocannon({
      url: running.apiUrl,
      headers,
      connections: 2,
      duration: 1,
      requests: [{ path: '/tokens/stats' }, { path: '/tokens/1/status' }],
    });
    if (warm.non2xx + warm.errors > 0) throw new Error('the HTTP warm-up met errors');

    const beforeBytes = await residentSetBytes(running.pid);
    sampler = setInterval(() => {
      void residentSetBytes(running.pid).then((bytes) => {
        if (bytes !== undefined) samples.push(bytes);
      });
    }, 1_000);
    progress(`running for ${load.durationSeconds} s`);
    for (const worker of workers) worker.child.stdin!.end('go\n');
    const [status, stats, workerResults] = await Promise.all([
      autocannon({
        url: running.apiUrl,
        title: 'status',
        headers,
        connections: load.connections,
        duration: load.durationSeconds,
        overallRate: load.statusRate,
        requests: COMPANIES.map((id) => ({ method: 'GET', path: `/tokens/${id}/status` })),
      }),
      autocannon({
        url: running.apiUrl,
        title: 'stats',
        headers,
        connections: Math.max(1, Math.round(load.connections / 5)),
        duration: load.durationSeconds,
        overallRate: load.statsRate,
        requests: [{ method: 'GET', path: '/tokens/stats' }],
      }),
      Promise.all(workers.map((worker) => worker.result)),
    ]);
    clearInterval(sampler);
    const afterBytes = await residentSetBytes(running.pid);
    const settleMs = load.durationSeconds < 60 ? 2_000 : 5_000;
    progress(`load done; letting the stack settle for ${settleMs / 1000} s`);
    await sleep(settleMs);
    const settledBytes = await residentSetBytes(running.pid);

    const simulatorStats = await adminJson(`${running.bluestakesUrl}/__sim/stats`);
    const emulatorStats = await adminJson(`${running.env.AWS_ENDPOINT_URL_RDS_DATA}/__emulator/stats`);
    const http = [
      httpFigures('GET /tokens/{id}/status', load.statusRate, status),
      httpFigures('GET /tokens/stats', load.statsRate, stats),
    ];
    const steady = samples.slice(Math.floor(samples.length / 2));
    const libraryCalls = workerResults.reduce((sum, result) => sum + result.calls, 0);
    const libraryErrors = workerResults.reduce((sum, result) => sum + result.errors, 0);
    const httpErrors = http.reduce(
      (sum, figures) => sum + figures.errors + figures.timeouts + figures.non2xx,
      0,
    );
    return {
      options: load,
      machine: describeMachine(),
      http,
      library: {
        workers: workerResults,
        calls: libraryCalls,
        callsPerSecond:
          Math.round(workerResults.reduce((sum, result) => sum + result.callsPerSecond, 0) * 10) / 10,
        errors: libraryErrors,
      },
      upstreamLogins: (simulatorStats?.logins as Record<string, unknown> | undefined) ?? {},
      dataApiCalls: typeof emulatorStats?.calls === 'number' ? emulatorStats.calls : undefined,
      stackRss: {
        beforeBytes,
        afterBytes,
        settledBytes,
        maxBytes: samples.length === 0 ? undefined : Math.max(...samples),
        steadyMinBytes: steady.length === 0 ? undefined : Math.min(...steady),
        steadyMaxBytes: steady.length === 0 ? undefined : Math.max(...steady),
        samplesBytes: samples,
      },
      errors: httpErrors + libraryErrors,
      rateHeld:
        http.every((figures) => figures.requestsPerSecond >= figures.offeredPerSecond * RATE_HELD_FRACTION) &&
        workerResults.every((result) => result.callsPerSecond >= load.workerRate * RATE_HELD_FRACTION),
    };
  } finally {
    if (sampler !== undefined) clearInterval(sampler);
    for (const worker of workers) if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
    await stack?.stop('SIGTERM');
    await rm(dataDir, { recursive: true, force: true });
  }
}

function formatReport(report: LoadReport): string {
  const lines = [
    `Load run: ${report.options.durationSeconds} s on ${report.machine}`,
    '',
    '| load | offered | achieved | requests | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | errors |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...report.http.map(
      (figures) =>
        `| ${figures.route} (autocannon) | ${figures.offeredPerSecond}/s | ${figures.requestsPerSecond}/s | ${figures.requests} | ${figures.latencyMs.p50} | ${figures.latencyMs.p90} | ${figures.latencyMs.p99} | ${figures.latencyMs.p999} | ${figures.latencyMs.max} | ${figures.errors + figures.timeouts + figures.non2xx} |`,
    ),
    ...report.library.workers.map(
      (worker, index) =>
        `| getOrRefreshToken, worker ${index + 1} (pid ${worker.pid}) | ${report.options.workerRate}/s | ${worker.callsPerSecond.toFixed(1)}/s | ${worker.calls} | ${worker.latencyMs.p50} | ${worker.latencyMs.p90} | ${worker.latencyMs.p99} | ${worker.latencyMs.p999} | ${worker.latencyMs.max} | ${worker.errors} |`,
    ),
    '',
    `Library: ${report.library.calls} calls, ${report.library.callsPerSecond}/s in total; metrics per worker: ${report.library.workers.map((worker) => JSON.stringify(worker.metrics)).join(' ')}`,
    `Upstream logins during the whole run (warm-up included): ${JSON.stringify(report.upstreamLogins)}`,
    `Data API calls served by the emulator: ${report.dataApiCalls ?? 'n/a'}`,
    `Stack RSS: after warm-up ${mib(report.stackRss.beforeBytes)}; second half of the run ${mib(report.stackRss.steadyMinBytes)} to ${mib(report.stackRss.steadyMaxBytes)}; at the end ${mib(report.stackRss.afterBytes)}; after a pause ${mib(report.stackRss.settledBytes)} (max ${mib(report.stackRss.maxBytes)})`,
    `Worker RSS (start -> end): ${report.library.workers.map((worker) => `${mib(worker.rssStartBytes)} -> ${mib(worker.rssEndBytes)}`).join(', ')}`,
    `Worker heap after a full GC (start -> end): ${report.library.workers.map((worker) => `${mib(worker.heapAfterGcStartBytes)} -> ${mib(worker.heapAfterGcEndBytes)}`).join(', ')}`,
    '',
    `Result: ${report.errors === 0 ? 'zero errors' : `${report.errors} errors`}; ${
      report.rateHeld
        ? 'every offered rate held'
        : `an offered rate was NOT held (below ${RATE_HELD_FRACTION * 100} %)`
    }`,
  ];
  return lines.join('\n');
}

const { json, ...load } = options(process.argv.slice(2));
const report = await runLoad(load, (line) => process.stderr.write(`[load] ${line}\n`));
process.stdout.write(`${formatReport(report)}\n`);
if (json) process.stdout.write(`LOAD_RESULT ${JSON.stringify(report)}\n`);
process.exitCode = report.errors === 0 && report.rateHeld ? 0 : 1;
