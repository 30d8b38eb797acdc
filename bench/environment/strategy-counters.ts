/**
 * What one strategy did during a measured phase, counted at its own clients: token requests asked of
 * it, Data API calls split by purpose, credential reads, and the token manager's own metrics.
 */
import type { RDSDataClient } from '@aws-sdk/client-rds-data';
import type { MetricsSink, TokenMetricName } from '@bluestakes/token-manager';
import { createCountingMetricsSink } from '@bluestakes/token-manager/testing';

export type DataApiPurpose = 'token' | 'rateLimit';

type CountingSink = ReturnType<typeof createCountingMetricsSink>;

export interface CountersSnapshot {
  readonly tokenRequests: number;
  readonly dataApiCalls: Readonly<Record<DataApiPurpose, number>>;
  readonly credentialReads: number;
  readonly metrics: Readonly<Partial<Record<TokenMetricName, number>>>;
}

export class StrategyCounters {
  #tokenRequests = 0;
  #dataApi: Record<DataApiPurpose, number> = { token: 0, rateLimit: 0 };
  #credentialReads = 0;
  #sinks: CountingSink[] = [];

  tokenRequest(): void {
    this.#tokenRequests += 1;
  }

  credentialRead(): void {
    this.#credentialReads += 1;
  }

  /** A metrics sink for one more container; its counts are summed into the snapshot. */
  metricsSink(): MetricsSink {
    const sink = createCountingMetricsSink();
    this.#sinks.push(sink);
    return sink;
  }

  /**
   * Counts every Data API call the client sends (each attempt: the SDK's own retries are off), by
   * whether it serves the token protocol or the upstream rate limiter.
   */
  countDataApiCalls(client: RDSDataClient): void {
    client.middlewareStack.add(
      (next) => async (args) => {
        const sql = (args.input as { sql?: unknown }).sql;
        const purpose: DataApiPurpose =
          typeof sql === 'string' && sql.includes('bluestakes_rate_limit') ? 'rateLimit' : 'token';
        this.#dataApi[purpose] += 1;
        return next(args);
      },
      { step: 'initialize', name: 'benchDataApiCallCounter' },
    );
  }

  reset(): void {
    this.#tokenRequests = 0;
    this.#dataApi = { token: 0, rateLimit: 0 };
    this.#credentialReads = 0;
    for (const sink of this.#sinks) sink.counts.clear();
  }

  snapshot(): CountersSnapshot {
    const metrics: Partial<Record<TokenMetricName, number>> = {};
    for (const sink of this.#sinks) {
      for (const [name, value] of sink.counts) metrics[name] = (metrics[name] ?? 0) + value;
    }
    return {
      tokenRequests: this.#tokenRequests,
      dataApiCalls: { ...this.#dataApi },
      credentialReads: this.#credentialReads,
      metrics,
    };
  }
}
