/**
 * Real PostgreSQL adapter over a node-postgres Pool. node-postgres cannot declare parameter types, so
 * placeholders are written as `($n::text)` etc., which gives each parameter the type v2 would bind it as.
 * Every query is forced onto the extended protocol (node-postgres otherwise uses the simple protocol for
 * parameterless SQL and would run `SELECT 1; DROP ...`), results are kept as text, and statement timeouts
 * cancel the backend with pg_cancel_backend from a separate connection.
 */
import pg from 'pg';
import {
  type ColumnCatalogEntry,
  type ColumnRef,
  ConnectionWaitTimeoutError,
  lookupCatalogColumns,
  lookupCatalogTypes,
  type SqlBackend,
  type SqlSession,
  type StatementOptions,
  type StatementOutcome,
} from './backend';
import { isPgErrorFields } from './errors';
import type { BoundType, BoundValue } from './parameter-binding';
import type { CatalogType } from './pg-types';
import type { RawResult } from './result-mapping';

export interface PostgresBackendOptions {
  readonly connectionString: string;
  /** Pool size; each open transaction pins one connection. @default 10 */
  readonly maxConnections?: number;
}

const keepText = (value: string): string => value;
const TEXT_TYPES = { getTypeParser: () => keepText };

/** Session settings of the default Aurora parameter group that results depend on. */
const SESSION_OPTIONS = '-c TimeZone=UTC -c DateStyle=ISO,MDY -c bytea_output=hex';

const ignore = (): void => undefined;

function toRawResult(result: pg.QueryResult<unknown[]>): RawResult {
  const fields = result.fields ?? [];
  // node-postgres does not surface NoData; only SELECT returns rows with no columns.
  const returnsRows = fields.length > 0 || result.command === 'SELECT';
  return {
    command: result.command ?? null,
    rowCount: result.rowCount ?? null,
    fields: returnsRows
      ? fields.map((field) => ({
          name: field.name,
          dataTypeID: field.dataTypeID,
          tableID: field.tableID,
          columnID: field.columnID,
          dataTypeModifier: field.dataTypeModifier,
        }))
      : null,
    rows: result.rows.map((row) => row.map((cell) => (cell === null ? null : String(cell)))),
  };
}

class PostgresSession implements SqlSession {
  readonly #client: pg.PoolClient;
  readonly #cancel: (pid: number) => Promise<void>;
  readonly connectionId: number;
  #broken = false;
  #released = false;

  constructor(client: pg.PoolClient, cancel: (pid: number) => Promise<void>) {
    this.#client = client;
    this.#cancel = cancel;
    this.connectionId = (client as unknown as { processID: number }).processID;
    client.on('error', this.#markBroken);
  }

  readonly #markBroken = (): void => {
    this.#broken = true;
  };

  #run(sql: string, values: ReadonlyArray<string | null>): Promise<pg.QueryResult<unknown[]>> {
    return this.#client.query({
      text: sql,
      values: [...values],
      rowMode: 'array',
      queryMode: 'extended',
      types: TEXT_TYPES,
    } as pg.QueryArrayConfig);
  }

  async execute(
    sql: string,
    parameters: readonly BoundValue[],
    options: StatementOptions,
  ): Promise<StatementOutcome> {
    const running = this.#run(
      sql,
      parameters.map((parameter) => parameter.text),
    );
    const settled = running.then(ignore, ignore);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), options.timeoutMs);
    });
    try {
      const first = await Promise.race([running, timedOut]);
      if (first !== 'timeout') return { kind: 'result', result: toRawResult(first) };
    } catch (error) {
      return this.#errorOutcome(error);
    } finally {
      clearTimeout(timer);
    }
    if (options.continueAfterTimeout) return { kind: 'timeout', settled };
    await this.#cancel(this.connectionId);
    try {
      // The cancel may land after the statement finished; then its (committed) result stands.
      return { kind: 'result', result: toRawResult(await running) };
    } catch (error) {
      const outcome = this.#errorOutcome(error);
      return outcome.kind === 'error' && outcome.error.code === '57014'
        ? { kind: 'timeout', settled: Promise.resolve() }
        : outcome;
    }
  }

  #errorOutcome(error: unknown): StatementOutcome {
    if (isPgErrorFields(error)) return { kind: 'error', error };
    this.#broken = true;
    throw error;
  }

  async query(sql: string, parameters: ReadonlyArray<string | null> = []): Promise<RawResult> {
    return toRawResult(await this.#run(sql, parameters));
  }

  lookupTypes(oids: readonly number[]): Promise<CatalogType[]> {
    return lookupCatalogTypes((sql, parameters) => this.query(sql, parameters), oids);
  }

  lookupColumns(columns: readonly ColumnRef[]): Promise<ColumnCatalogEntry[]> {
    return lookupCatalogColumns((sql, parameters) => this.query(sql, parameters), columns);
  }

  async reset(): Promise<void> {
    try {
      await this.query('DISCARD ALL');
    } catch {
      // Typically a BEGIN sent as SQL left a transaction open; a fresh connection is simpler than repair.
      this.#broken = true;
    }
  }

  release(discard = false): void {
    if (this.#released) return;
    this.#released = true;
    this.#client.off('error', this.#markBroken);
    this.#client.release(discard || this.#broken ? true : undefined);
  }
}

class PostgresBackend implements SqlBackend {
  readonly kind = 'postgres';
  readonly database: string;
  readonly #pool: pg.Pool;
  readonly #connectionString: string;

  constructor(pool: pg.Pool, connectionString: string, database: string) {
    this.#pool = pool;
    this.#connectionString = connectionString;
    this.database = database;
  }

  placeholder(index: number, type: BoundType): string {
    return type === 'unknown' ? `$${index + 1}` : `($${index + 1}::${type})`;
  }

  async acquire(waitMs: number): Promise<SqlSession> {
    const connecting = this.#pool.connect();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), waitMs);
    });
    const first = await Promise.race([connecting, timedOut]).finally(() => clearTimeout(timer));
    if (first === 'timeout') {
      connecting.then((client) => client.release(), ignore);
      throw new ConnectionWaitTimeoutError(waitMs);
    }
    return new PostgresSession(first, (pid) => this.#cancelBackend(pid));
  }

  async #cancelBackend(pid: number): Promise<void> {
    const client = new pg.Client({ connectionString: this.#connectionString });
    client.on('error', ignore);
    try {
      await client.connect();
      await client.query('SELECT pg_cancel_backend($1)', [pid]);
    } finally {
      await client.end().catch(ignore);
    }
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}

export async function createPostgresBackend(options: PostgresBackendOptions): Promise<SqlBackend> {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
    options: SESSION_OPTIONS,
  });
  // Idle clients can fail (server restart, database dropped); the pool discards them, we must not crash.
  pool.on('error', ignore);
  try {
    const result = await pool.query('SELECT current_database()');
    const database = String((result.rows[0] as { current_database: string }).current_database);
    return new PostgresBackend(pool, options.connectionString, database);
  } catch (error) {
    await pool.end().catch(ignore);
    throw error;
  }
}
