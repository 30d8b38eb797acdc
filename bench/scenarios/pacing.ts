/** Time helpers for scenarios: every loop here is bounded by a deadline and a count. */

import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

export async function sleepUntil(atMs: number): Promise<void> {
  await sleep(Math.max(0, atMs - performance.now()));
}

/**
 * Open loop: fires `fire(index)` at a fixed rate for `durationMs` without waiting for earlier requests
 * (callers arrive whether or not the service keeps up), then resolves once all have been fired.
 */
export async function openLoop(
  ratePerSecond: number,
  durationMs: number,
  fire: (index: number) => void,
): Promise<number> {
  const count = Math.round((ratePerSecond * durationMs) / 1000);
  const intervalMs = 1000 / ratePerSecond;
  const startedAt = performance.now();
  for (let index = 0; index < count; index++) {
    await sleepUntil(startedAt + index * intervalMs);
    fire(index);
  }
  return count;
}

/**
 * Closed loops: `workers` loops that each run `step` back to back (with `pauseMs` between) until
 * `durationMs` has passed or `maxSteps` were run.
 */
export async function closedLoops(
  workers: number,
  durationMs: number,
  pauseMs: number,
  step: (worker: number, iteration: number) => Promise<void>,
  maxSteps = 100_000,
): Promise<void> {
  const stopAt = performance.now() + durationMs;
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      for (let iteration = 0; iteration < maxSteps && performance.now() < stopAt; iteration++) {
        await step(worker, iteration);
        if (pauseMs > 0) await sleep(pauseMs);
      }
    }),
  );
}

/** A small seeded generator (mulberry32), so every run spreads requests over containers the same way. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Resolves when the first of `requests` has resolved, with that moment; waits for all of them. */
export async function firstAndAll(requests: readonly Promise<unknown>[]): Promise<number> {
  let first = Number.POSITIVE_INFINITY;
  await Promise.all(
    requests.map((request) =>
      request.then(() => {
        first = Math.min(first, performance.now());
      }),
    ),
  );
  return first;
}
