export { type BackoffJitter, type BackoffOptions, backoffDelayMs } from './backoff';
export { extractSqlState, toDatabaseError } from './data-api-errors';
export {
  createDataApiExecutor,
  createDefaultRdsDataClient,
  type DataApiExecutorOptions,
  type Row,
  type SqlExecutor,
  type StatementOptions,
  type StatementResult,
} from './data-api-executor';
export {
  isDroppedConnectionError,
  isEndpointNotEnabledError,
  isMaybeAppliedError,
  isNotSentError,
  isResumingError,
  isRetryable,
  retryDelayMs,
} from './retry-policy';
export {
  booleanOrNull,
  numberOrNull,
  numberOrZero,
  requiredTime,
  textOrNull,
  timeOrNull,
} from './row-values';
export {
  fromField,
  parseDataApiTimestamp,
  type ResultValue,
  type SqlJson,
  type SqlParams,
  type SqlValue,
  sqlJson,
  toDataApiTimestamp,
  toSqlParameters,
} from './sql-values';
