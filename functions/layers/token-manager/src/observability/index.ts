export {
  createCountingMetricsSink,
  type LogSink,
  logger,
  METRICS_NAMESPACE,
  type MetricsSink,
  metrics,
  powertoolsLogSink,
  powertoolsMetricsSink,
  SERVICE_NAME,
  type TokenMetricName,
} from './observability';
