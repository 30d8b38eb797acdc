import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../constants';

export { METRICS_NAMESPACE, SERVICE_NAME };

/** The library's metric names (EMF, unit Count). Company ids go in logs, never in dimensions. */
export type TokenMetricName =
  | 'L1Hit'
  | 'L2Hit'
  | 'Login'
  | 'LoginFailure'
  | 'LeaseWait'
  | 'StaleServe'
  | 'TokenUnavailable'
  | 'TokenInvalidated'
  | 'Upstream401'
  | 'Upstream403'
  | 'Upstream429'
  | 'RateLimitWait'
  | 'DataApiRetry'
  | 'LeaseLost'
  | 'RateLimitDegraded'
  | 'DegradedServe'
  | 'TokenSuperseded'
  | 'UpstreamClockSkew'
  | 'TokenShared';

/** Structured logging as the library needs it; Powertools Logger satisfies it. */
export interface LogSink {
  /** True when debug lines are written; read once per token manager, so the hot path tests a boolean. */
  isDebugEnabled?(): boolean;
  debug(message: string, extra?: Record<string, unknown>): void;
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

export interface MetricsSink {
  count(name: TokenMetricName, value?: number): void;
}

/** The one Logger of the service: handlers and the library share it. */
export const logger = new Logger({ serviceName: SERVICE_NAME });

/** The one Metrics instance; handlers flush it (middy `logMetrics`) at the end of each invocation. */
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });

export const powertoolsMetricsSink: MetricsSink = {
  count(name, value = 1) {
    metrics.addMetric(name, MetricUnit.Count, value);
  },
};

export const powertoolsLogSink: LogSink = {
  // POWERTOOLS_LOG_LEVEL=DEBUG (or TRACE) turns on the cache-decision lines.
  isDebugEnabled: () => ['DEBUG', 'TRACE'].includes(logger.getLevelName()),
  debug: (message, extra) => logger.debug(message, extra ?? {}),
  info: (message, extra) => logger.info(message, extra ?? {}),
  warn: (message, extra) => logger.warn(message, extra ?? {}),
  error: (message, extra) => logger.error(message, extra ?? {}),
};

/** Counts metrics in memory; tests and benchmarks read `counts`. */
export function createCountingMetricsSink(): MetricsSink & { readonly counts: Map<TokenMetricName, number> } {
  const counts = new Map<TokenMetricName, number>();
  return {
    counts,
    count(name, value = 1) {
      counts.set(name, (counts.get(name) ?? 0) + value);
    },
  };
}
