import { setTimeout as delay } from 'node:timers/promises';
import { toDatabaseError } from './data-api-errors';
import type { DataApiTarget, ExecuteStatementReply, RdsDataApi } from './rds-data-api';
import { isRetryable, retryDelayMs } from './retry-policy';
import { fromField, type ResultValue, type SqlParams, toSqlParameters } from './sql-values';

export type Row = Readonly<Record<string, ResultValue>>;

export interface StatementOptions {
  /**
   * True when running the statement twice has the same effect as once (reads, fenced or conditional
   * writes). Only those are retried after a failure that may already have applied them.
   */
  readonly idempotent?: boolean;
  /** Run inside this Data API transaction. */
  readonly transactionId?: string;
  /**
   * Time this statement may spend retrying, instead of the executor's budget. 0 = one attempt, for
   * callers that have a fallback and must not wait out an outage (e.g. a caller holding a valid token).
   */
  readonly retryBudgetMs?: number;
}

export interface StatementResult {
  readonly rows: Row[];
  readonly rowsUpdated: number;
}

/** The port every SQL user depends on; `DataApiExecutor` is the adapter over the RDS Data API. */
export interface SqlExecutor {
  execute(sql: string, params?: SqlParams, options?: StatementOptions): Promise<StatementResult>;
  /** Runs `work` in one transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(work: (transactionId: string) => Promise<T>): Promise<T>;
}

export interface DataApiSqlExecutorOptions extends DataApiTarget {
  /** Calls that fail are retried here only; the adapter under it must not retry on its own. */
  readonly api: RdsDataApi;
  /** Total time spent retrying one call (resume waits included). Default 45 s. */
  readonly retryBudgetMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  readonly random?: () => number;
  /** Called for every retry, for metrics and logs. */
  readonly onRetry?: (info: { attempt: number; delayMs: number; errorName: string }) => void;
}

function toRows(output: ExecuteStatementReply): Row[] {
  const labels = (output.columnMetadata ?? []).map(
    (column, index) => column.label ?? column.name ?? `col${index}`,
  );
  return (output.records ?? []).map((record) =>
    Object.fromEntries(record.map((field, index) => [labels[index] ?? `col${index}`, fromField(field)])),
  );
}

/** The SQL executor over the RDS Data API: retries within a budget, maps failures to typed errors. */
export function createDataApiSqlExecutor(options: DataApiSqlExecutorOptions): SqlExecutor {
  const { api } = options;
  const budgetMs = options.retryBudgetMs ?? 45_000;
  const sleep = options.sleep ?? delay;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const target: DataApiTarget = {
    resourceArn: options.resourceArn,
    secretArn: options.secretArn,
    database: options.database,
  };

  async function withRetry<T>(call: () => Promise<T>, idempotent: boolean, budget = budgetMs): Promise<T> {
    const deadline = now() + budget;
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        const remainingMs = deadline - now();
        if (!isRetryable(error, idempotent) || remainingMs <= 0) {
          throw toDatabaseError(error);
        }
        // The last wait is cut to what is left of the budget, so the whole budget is used.
        const delayMs = Math.min(retryDelayMs(attempt, random), remainingMs);
        options.onRetry?.({ attempt, delayMs, errorName: error instanceof Error ? error.name : 'Unknown' });
        await sleep(delayMs);
      }
    }
  }

  async function execute(sql: string, params: SqlParams = {}, statement: StatementOptions = {}) {
    const request = {
      ...target,
      sql,
      parameters: toSqlParameters(params),
      includeResultMetadata: true,
      resultSetOptions: { longReturnType: 'STRING', decimalReturnType: 'STRING' },
      ...(statement.transactionId === undefined ? {} : { transactionId: statement.transactionId }),
    } as const;
    // Inside a transaction a retry cannot help: the service ends the transaction on these errors.
    const idempotent = statement.transactionId === undefined && statement.idempotent === true;
    const output = await withRetry(() => api.executeStatement(request), idempotent, statement.retryBudgetMs);
    return { rows: toRows(output), rowsUpdated: output.numberOfRecordsUpdated ?? 0 };
  }

  async function transaction<T>(work: (transactionId: string) => Promise<T>): Promise<T> {
    const begun = await withRetry(() => api.beginTransaction(target), true);
    const transactionId = begun.transactionId;
    if (transactionId === undefined)
      throw toDatabaseError(new Error('BeginTransaction returned no transactionId'));
    let result: T;
    try {
      result = await work(transactionId);
    } catch (error) {
      await api
        .rollbackTransaction({ ...target, transactionId })
        .catch(() => undefined /* the original error matters more; an expired transaction is gone anyway */);
      throw toDatabaseError(error);
    }
    try {
      await api.commitTransaction({ ...target, transactionId });
    } catch (error) {
      throw toDatabaseError(error);
    }
    return result;
  }

  return { execute, transaction };
}
