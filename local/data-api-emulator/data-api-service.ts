/**
 * The five v2 operations on top of a SqlBackend: autocommit calls on a pooled session that is reset
 * (DISCARD ALL) afterwards, transactional calls on the transaction's pinned session, statement timeouts,
 * the response size cap and transaction expiry. One class past 300 lines: the operations share its
 * pool, transaction registry and in-flight tracking, which are private to it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectionWaitTimeoutError, type SqlBackend, type SqlSession } from './backend';
import {
  DataApiError,
  databaseError,
  errorFromPg,
  formatPgErrorMessage,
  statementTimeoutError,
} from './errors';
import type { EmulatorLimits } from './limits';
import { type BoundValue, bindParameters } from './parameter-binding';
import { TypeRegistry } from './pg-types';
import type {
  BatchExecuteStatementInput,
  BeginTransactionInput,
  EndTransactionInput,
  ExecuteStatementInput,
} from './request-validation';
import {
  type ColumnDetails,
  mapExecuteResult,
  type RawResult,
  RESPONSE_TOO_LARGE_MESSAGE,
} from './result-mapping';
import { parseSqlTemplate, type RenderedSql, renderSqlTemplate, type SqlTemplate } from './sql-parameters';
import { TERMINATED_CAUSE, type TransactionRecord, TransactionRegistry } from './transactions';

export interface ServiceIdentity {
  readonly resourceArn: string;
  readonly secretArn: string;
  readonly database: string;
}

const ABORTED_MESSAGE = formatPgErrorMessage({
  code: '25P02',
  message: 'current transaction is aborted, commands ignored until end of transaction block',
});

/** A statement ran past the timeout; `settled` says when its session is free again. */
class StatementTimedOut extends Error {
  readonly settled: Promise<void>;
  readonly connectionId: number;

  constructor(settled: Promise<void>, connectionId: number) {
    super('statement timed out');
    this.settled = settled;
    this.connectionId = connectionId;
  }
}

interface PreparedStatement {
  readonly rendered: RenderedSql;
  readonly parameters: readonly BoundValue[];
}

export class DataApiService {
  readonly #backend: SqlBackend;
  readonly #identity: ServiceIdentity;
  readonly #limits: () => EmulatorLimits;
  readonly #types = new TypeRegistry();
  readonly #transactions: TransactionRegistry;
  readonly #background = new Set<Promise<unknown>>();

  constructor(backend: SqlBackend, identity: ServiceIdentity, limits: () => EmulatorLimits) {
    this.#backend = backend;
    this.#identity = identity;
    this.#limits = limits;
    this.#transactions = new TransactionRegistry(
      () => ({ idleMs: limits().transactionIdleTimeoutMs, maxLifetimeMs: limits().transactionMaxLifetimeMs }),
      (record) => this.#discardTransaction(record),
    );
  }

  get activeTransactions(): number {
    return this.#transactions.size;
  }

  /** Re-arms transaction idle timers after the limits changed. */
  limitsChanged(): void {
    this.#transactions.restartIdleTimers();
  }

  async executeStatement(input: ExecuteStatementInput): Promise<Record<string, unknown>> {
    this.#checkTarget(input);
    const template = parseSqlTemplate(input.sql);
    const statement = this.#prepare(template, bindParameters(template, input.parameters));
    const run = async (session: SqlSession, transaction?: TransactionRecord) => {
      const result = await this.#run(session, statement, input.continueAfterTimeout, transaction);
      return this.#mapResult(session, result, input);
    };
    if (input.transactionId === undefined) return this.#autocommit(run);
    return this.#withTransaction(input.transactionId, input.resourceArn, async (transaction) => {
      try {
        return await run(transaction.session, transaction);
      } catch (error) {
        if (error instanceof DataApiError && error.message === RESPONSE_TOO_LARGE_MESSAGE) {
          // The service ends a transaction whose statement overran the response limit.
          this.#transactions.end(transaction, TERMINATED_CAUSE);
          this.#discardTransaction(transaction);
        }
        throw error;
      }
    });
  }

  async batchExecuteStatement(input: BatchExecuteStatementInput): Promise<Record<string, unknown>> {
    this.#checkTarget(input);
    const template = parseSqlTemplate(input.sql);
    const statements = input.parameterSets.map((set) =>
      this.#prepare(template, bindParameters(template, set)),
    );
    const runAll = async (session: SqlSession, transaction?: TransactionRecord) => {
      for (const statement of statements) await this.#run(session, statement, false, transaction);
      return { updateResults: statements.map(() => ({ generatedFields: [] })) };
    };
    if (input.transactionId !== undefined) {
      return this.#withTransaction(input.transactionId, input.resourceArn, (transaction) =>
        runAll(transaction.session, transaction),
      );
    }
    // Outside a transaction the sets run atomically: all of them or none.
    return this.#autocommit(async (session) => {
      await session.query('BEGIN');
      try {
        const output = await runAll(session);
        await session.query('COMMIT');
        return output;
      } catch (error) {
        await session.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  async beginTransaction(input: BeginTransactionInput): Promise<Record<string, unknown>> {
    this.#checkTarget(input);
    await this.#latency();
    const session = await this.#acquire();
    try {
      await session.query('BEGIN');
    } catch (error) {
      session.release(true);
      throw error;
    }
    const record = this.#transactions.open(session, input.resourceArn);
    return { transactionId: record.id };
  }

  async commitTransaction(input: EndTransactionInput): Promise<Record<string, unknown>> {
    this.#checkTarget(input);
    return this.#withTransaction(input.transactionId, input.resourceArn, async (transaction) => {
      // Strict: PostgreSQL would quietly turn this COMMIT into a ROLLBACK; the caller must roll back.
      if (transaction.aborted) throw databaseError(ABORTED_MESSAGE);
      let result: RawResult;
      try {
        result = await transaction.session.query('COMMIT');
      } catch (error) {
        await this.#finishTransaction(transaction);
        throw error;
      }
      await this.#finishTransaction(transaction);
      if (result.command === 'ROLLBACK') throw databaseError(ABORTED_MESSAGE);
      return { transactionStatus: 'Transaction Committed' };
    });
  }

  async rollbackTransaction(input: EndTransactionInput): Promise<Record<string, unknown>> {
    this.#checkTarget(input);
    return this.#withTransaction(input.transactionId, input.resourceArn, async (transaction) => {
      try {
        await transaction.session.query('ROLLBACK');
      } finally {
        await this.#finishTransaction(transaction);
      }
      return { transactionStatus: 'Rollback Complete' };
    });
  }

  /** Rolls back open transactions and waits for sessions still busy with abandoned statements. */
  async close(): Promise<void> {
    for (const record of this.#transactions.records()) {
      this.#transactions.end(record, TERMINATED_CAUSE);
      this.#discardTransaction(record);
    }
    while (this.#background.size > 0) await Promise.allSettled([...this.#background]);
  }

  #checkTarget(input: { resourceArn: string; secretArn: string; database?: string | undefined }): void {
    if (input.resourceArn !== this.#identity.resourceArn) {
      throw new DataApiError(
        'HttpEndpointNotEnabledException',
        `HttpEndpoint is not enabled for resource ${input.resourceArn}`,
      );
    }
    if (input.secretArn !== this.#identity.secretArn) {
      throw new DataApiError('SecretsErrorException', "Secrets Manager can't find the specified secret.");
    }
    if (input.database !== undefined && input.database !== '' && input.database !== this.#identity.database) {
      throw databaseError(
        formatPgErrorMessage({
          severity: 'FATAL',
          code: '3D000',
          message: `database "${input.database}" does not exist`,
        }),
      );
    }
  }

  #prepare(template: SqlTemplate, parameters: readonly BoundValue[]): PreparedStatement {
    const rendered = renderSqlTemplate(template, (index) =>
      this.#backend.placeholder(index, parameters[index]?.type ?? 'unknown'),
    );
    return { rendered, parameters };
  }

  async #latency(): Promise<void> {
    const ms = this.#limits().latencyMs;
    if (ms > 0) await sleep(ms);
  }

  async #acquire(): Promise<SqlSession> {
    try {
      return await this.#backend.acquire(this.#limits().statementTimeoutMs);
    } catch (error) {
      if (error instanceof ConnectionWaitTimeoutError) throw statementTimeoutError(0);
      throw error;
    }
  }

  async #run(
    session: SqlSession,
    statement: PreparedStatement,
    continueAfterTimeout: boolean,
    transaction?: TransactionRecord,
  ): Promise<RawResult> {
    const outcome = await session.execute(statement.rendered.text, statement.parameters, {
      timeoutMs: this.#limits().statementTimeoutMs,
      continueAfterTimeout,
    });
    if (outcome.kind === 'result') {
      if (transaction) transaction.aborted = false;
      return outcome.result;
    }
    if (transaction && !(outcome.kind === 'timeout' && continueAfterTimeout)) transaction.aborted = true;
    if (outcome.kind === 'timeout') throw new StatementTimedOut(outcome.settled, session.connectionId);
    throw errorFromPg(outcome.error, session.connectionId, statement.rendered.mapPosition);
  }

  async #mapResult(session: SqlSession, result: RawResult, input: ExecuteStatementInput) {
    const fields = result.fields ?? [];
    const types = await this.#types.resolve(
      fields.map((field) => field.dataTypeID),
      (oids) => session.lookupTypes(oids),
    );
    const wantsDetails = input.includeResultMetadata && input.formatRecordsAs === 'NONE';
    const details = wantsDetails ? await this.#columnDetails(session, result) : [];
    return mapExecuteResult(result, types, details, {
      includeResultMetadata: input.includeResultMetadata,
      formatRecordsAs: input.formatRecordsAs,
      resultSetOptions: input.resultSetOptions,
      responseSizeLimitBytes: this.#limits().responseSizeLimitBytes,
    });
  }

  async #columnDetails(session: SqlSession, result: RawResult): Promise<Array<ColumnDetails | undefined>> {
    const fields = result.fields ?? [];
    const refs = fields.filter((field) => field.tableID !== 0 && field.columnID > 0);
    if (refs.length === 0) return [];
    const entries = await session.lookupColumns(refs);
    return fields.map((field) =>
      entries.find((entry) => entry.tableID === field.tableID && entry.columnID === field.columnID),
    );
  }

  async #autocommit<T>(work: (session: SqlSession) => Promise<T>): Promise<T> {
    await this.#latency();
    const session = await this.#acquire();
    try {
      const output = await work(session);
      await this.#resetAndRelease(session);
      return output;
    } catch (error) {
      if (error instanceof StatementTimedOut) {
        // A cancelled (or still running) statement's connection is not reused: a late cancel could hit it.
        this.#track(error.settled.then(() => this.#resetAndRelease(session, true)));
        throw statementTimeoutError(error.connectionId);
      }
      await this.#resetAndRelease(session);
      throw error;
    }
  }

  async #withTransaction<T>(
    id: string,
    resourceArn: string,
    work: (transaction: TransactionRecord) => Promise<T>,
  ): Promise<T> {
    const transaction = this.#transactions.claim(id, resourceArn);
    try {
      await this.#latency();
      const output = await work(transaction);
      this.#transactions.unclaim(transaction);
      return output;
    } catch (error) {
      if (error instanceof StatementTimedOut) {
        // With continueAfterTimeout the statement runs on and the transaction stays busy until it ends.
        this.#track(error.settled.then(() => this.#transactions.unclaim(transaction)));
        throw statementTimeoutError(error.connectionId);
      }
      this.#transactions.unclaim(transaction);
      throw error;
    }
  }

  async #finishTransaction(transaction: TransactionRecord, cause?: string): Promise<void> {
    this.#transactions.end(transaction, cause);
    await this.#resetAndRelease(transaction.session);
  }

  /** Rolls back and frees an ended transaction's session in the background. */
  #discardTransaction(transaction: TransactionRecord): void {
    const session = transaction.session;
    this.#track(
      session
        .query('ROLLBACK')
        .catch(() => undefined)
        .then(() => this.#resetAndRelease(session)),
    );
  }

  async #resetAndRelease(session: SqlSession, discard = false): Promise<void> {
    try {
      await session.reset();
      session.release(discard);
    } catch {
      session.release(true);
    }
  }

  #track(task: Promise<unknown>): void {
    const tracked = task.catch(() => undefined).finally(() => this.#background.delete(tracked));
    this.#background.add(tracked);
  }
}
