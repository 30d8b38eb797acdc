/** RDS Data API wiring: adapts the SDK client to the `RdsDataApi` port the SQL executor depends on. */
import {
  BeginTransactionCommand,
  CommitTransactionCommand,
  ExecuteStatementCommand,
  RDSDataClient,
  RollbackTransactionCommand,
} from '@aws-sdk/client-rds-data';
import {
  createDataApiSqlExecutor,
  type DataApiSqlExecutorOptions,
  type SqlExecutor,
} from '../data-api/data-api-executor';
import type { RdsDataApi } from '../data-api/rds-data-api';

export interface DataApiExecutorOptions extends Omit<DataApiSqlExecutorOptions, 'api'> {
  /** Defaults to a client with the SDK's own retries off, so this wrapper alone decides what is retried. */
  readonly client?: RDSDataClient;
}

export function createDefaultRdsDataClient(): RDSDataClient {
  // maxAttempts 1: the SDK would otherwise silently re-send a non-idempotent write after a 504.
  return new RDSDataClient({ maxAttempts: 1 });
}

export function rdsDataApi(client: RDSDataClient): RdsDataApi {
  return {
    executeStatement: (request) => client.send(new ExecuteStatementCommand(request)),
    beginTransaction: (target) => client.send(new BeginTransactionCommand(target)),
    async commitTransaction(target) {
      await client.send(new CommitTransactionCommand(target));
    },
    async rollbackTransaction(target) {
      await client.send(new RollbackTransactionCommand(target));
    },
  };
}

export function createDataApiExecutor(options: DataApiExecutorOptions): SqlExecutor {
  const { client, ...rest } = options;
  return createDataApiSqlExecutor({ ...rest, api: rdsDataApi(client ?? createDefaultRdsDataClient()) });
}
