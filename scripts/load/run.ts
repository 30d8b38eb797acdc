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

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import {
  describeMachine,
  formatReport,
  httpFigures,
  type LoadOptions,
  type LoadReport,
  RATE_HELD_FRACTION,
} from './load-report';
import { residentSetBytes, type StackProcess, startStackProcess } from './stack-process';
import { startWorker, type Worker } from './worker-process';

const COMPANIES = ['1', '2', '3'];

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
    for (let index = 0; index < load.workers; index++) workers.push(startWorker(running, load, COMPANIES));
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

const { json, ...load } = options(process.argv.slice(2));
const report = await runLoad(load, (line) => process.stderr.write(`[load] ${line}\n`));
process.stdout.write(`${formatReport(report)}\n`);
if (json) process.stdout.write(`LOAD_RESULT ${JSON.stringify(report)}\n`);
process.exitCode = report.errors === 0 && report.rateHeld ? 0 : 1;
