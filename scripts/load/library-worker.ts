/**
 * One "container" of the load run: a token manager in its own process, configured from the variables
 * `npm start` prints, calling `getOrRefreshToken` at a fixed rate (open loop: a slow answer does not
 * slow the offered rate) for LOAD_DURATION_MS. It warms up (one call per company), prints
 * `LOAD_WORKER_READY`, starts when a line arrives on stdin, and prints one `LOAD_WORKER_RESULT {...}`.
 *
 * Env: LOAD_RATE (calls/s), LOAD_DURATION_MS, LOAD_COMPANIES (comma-separated ids), plus the stack's.
 */

import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createTokenManager,
  readTokenManagerConfig,
  TokenServiceError,
  tokenFingerprint,
} from '@bluestakes/token-manager';
import { createCountingMetricsSink } from '@bluestakes/token-manager/testing';
import { summarize } from './latency-summary';

const rate = Number(process.env.LOAD_RATE ?? '50');
const durationMs = Number(process.env.LOAD_DURATION_MS ?? '15000');
const companies = (process.env.LOAD_COMPANIES ?? '1').split(',');
const metrics = createCountingMetricsSink();
const manager = createTokenManager({ config: readTokenManagerConfig(process.env), metrics });

const latencies: number[] = [];
const errorCodes: Record<string, number> = {};
const fingerprints = new Set<string>();
let inFlight = 0;
let maxInFlight = 0;

async function one(companyId: string): Promise<void> {
  inFlight += 1;
  maxInFlight = Math.max(maxInFlight, inFlight);
  const started = performance.now();
  try {
    const token = await manager.getOrRefreshToken(companyId);
    if (!token.startsWith('eyJ')) throw new Error('not a JWT');
    fingerprints.add(tokenFingerprint(token));
    latencies.push(performance.now() - started);
  } catch (error) {
    const code = error instanceof TokenServiceError ? error.code : 'UNEXPECTED';
    errorCodes[code] = (errorCodes[code] ?? 0) + 1;
  } finally {
    inFlight -= 1;
  }
}

// Warm-up outside the measurement: the first call per company logs in (once for the whole fleet).
for (const companyId of companies) await one(companyId);
latencies.length = 0;
fingerprints.clear();
process.stdout.write('LOAD_WORKER_READY\n');
await new Promise<void>((resolveStart) => {
  process.stdin.once('data', () => resolveStart());
});
process.stdin.pause();

/** Heap in use after a full collection (the worker runs with --expose-gc): the library's own leak signal. */
function heapAfterGc(): number | undefined {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect === undefined) return undefined;
  collect();
  return process.memoryUsage().heapUsed;
}

const heapStart = heapAfterGc();
const rssStart = process.memoryUsage().rss;
const pending = new Set<Promise<void>>();
const startedAt = performance.now();
let sent = 0;
for (;;) {
  const elapsed = performance.now() - startedAt;
  if (elapsed >= durationMs) break;
  const due = Math.floor((rate * elapsed) / 1000) - sent;
  for (let index = 0; index < due; index++) {
    const call = one(companies[sent % companies.length]!);
    pending.add(call);
    void call.finally(() => pending.delete(call));
    sent += 1;
  }
  await sleep(5);
}
await Promise.all(pending);
const elapsedMs = performance.now() - startedAt;

process.stdout.write(
  `LOAD_WORKER_RESULT ${JSON.stringify({
    pid: process.pid,
    calls: sent,
    errors: Object.values(errorCodes).reduce((sum, count) => sum + count, 0),
    errorCodes,
    callsPerSecond: sent / (elapsedMs / 1000),
    latencyMs: summarize(latencies),
    maxInFlight,
    distinctTokens: fingerprints.size,
    metrics: Object.fromEntries(metrics.counts),
    rssStartBytes: rssStart,
    rssEndBytes: process.memoryUsage().rss,
    heapAfterGcStartBytes: heapStart,
    heapAfterGcEndBytes: heapAfterGc(),
  })}\n`,
);
