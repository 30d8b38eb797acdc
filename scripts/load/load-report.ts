/** What a load run measured, and how it is printed (a markdown table and a few summary lines). */
import { cpus, release, totalmem } from 'node:os';
import type { Result } from 'autocannon';
import type { LatencySummary } from './latency-summary';

export interface LoadOptions {
  readonly durationSeconds: number;
  readonly statusRate: number;
  readonly statsRate: number;
  readonly workers: number;
  readonly workerRate: number;
  readonly connections: number;
}

export interface WorkerResult {
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

export interface HttpFigures {
  readonly route: string;
  readonly offeredPerSecond: number;
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly latencyMs: { p50: number; p90: number; p99: number; p999: number; max: number; mean: number };
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
}

export interface LoadReport {
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

/** A load counts as held when it achieved at least this share of its offered rate. */
export const RATE_HELD_FRACTION = 0.95;

const mib = (bytes: number | undefined) =>
  bytes === undefined ? 'n/a' : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

export function describeMachine(): string {
  const cores = cpus();
  return `${cores.length} × ${cores[0]?.model.trim() ?? 'unknown CPU'}, ${mib(totalmem())} RAM, Linux ${release()}, Node ${process.version}`;
}

export function httpFigures(route: string, offered: number, result: Result): HttpFigures {
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

export function formatReport(report: LoadReport): string {
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
