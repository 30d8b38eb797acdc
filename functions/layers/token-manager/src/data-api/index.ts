export {
  createDataApiExecutor,
  createDefaultRdsDataClient,
  type DataApiExecutorOptions,
} from '../wiring/rds-data';
export { type BackoffJitter, type BackoffOptions, backoffDelayMs } from './backoff';
export { extractSqlState, toDatabaseError } from './data-api-errors';
export {
  createDataApiSqlExecutor,
  type DataApiSqlExecutorOptions,
  type Row,
  type SqlExecutor,
  type StatementOptions,
  type StatementResult,
} from './data-api-executor';
export type {
  DataApiTarget,
  DataApiTransaction,
  ExecuteStatementReply,
  ExecuteStatementRequest,
  RdsDataApi,
} from './rds-data-api';
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
