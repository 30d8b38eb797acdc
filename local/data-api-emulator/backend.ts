/**
 * The port both database adapters implement: a pool of sessions (connections) that run one statement at a
 * time over the extended query protocol with typed parameters and return text-format results.
 */
import type { PgErrorFields } from './errors';
import type { BoundType, BoundValue } from './parameter-binding';
import type { CatalogType } from './pg-types';
import type { RawResult } from './result-mapping';

export type SqlBackendKind = 'pglite' | 'postgres';

export interface StatementOptions {
  readonly timeoutMs: number;
  /** Let a statement that outlives the timeout run on; the caller still gets the timeout. */
  readonly continueAfterTimeout: boolean;
}

export type StatementOutcome =
  | { readonly kind: 'result'; readonly result: RawResult }
  | { readonly kind: 'error'; readonly error: PgErrorFields }
  /** `settled` resolves once the session is free again (at once unless the statement runs on). */
  | { readonly kind: 'timeout'; readonly settled: Promise<void> };

export interface ColumnRef {
  readonly tableID: number;
  readonly columnID: number;
}

export interface ColumnCatalogEntry extends ColumnRef {
  readonly notNull: boolean;
  readonly autoIncrement: boolean;
  readonly tableName: string;
}

export interface SqlSession {
  /** The backend process id, reported as `dbConnectionId` on statement timeouts. */
  readonly connectionId: number;
  /** Runs one caller statement. Never rejects for SQL errors: they come back as an `error` outcome. */
  execute(
    sql: string,
    parameters: readonly BoundValue[],
    options: StatementOptions,
  ): Promise<StatementOutcome>;
  /** Runs an emulator statement (BEGIN, COMMIT, catalog lookups); rejects with the PG error fields. */
  query(sql: string, parameters?: ReadonlyArray<string | null>): Promise<RawResult>;
  lookupTypes(oids: readonly number[]): Promise<CatalogType[]>;
  lookupColumns(columns: readonly ColumnRef[]): Promise<ColumnCatalogEntry[]>;
  /** Clears all session state (DISCARD ALL) so nothing leaks into the next autocommit call. */
  reset(): Promise<void>;
  /** Returns the session to the pool; `discard` closes it instead. */
  release(discard?: boolean): void;
}

export interface SqlBackend {
  readonly kind: SqlBackendKind;
  /** The database the backend serves (the only one it accepts in requests). */
  readonly database: string;
  /** How parameter `index` (0-based) of `type` appears in SQL sent to this backend. */
  placeholder(index: number, type: BoundType): string;
  /** Waits up to `waitMs` for a free session; rejects with ConnectionWaitTimeoutError after that. */
  acquire(waitMs: number): Promise<SqlSession>;
  close(): Promise<void>;
}

export class ConnectionWaitTimeoutError extends Error {
  constructor(waitMs: number) {
    super(`No database connection became free within ${waitMs} ms`);
    this.name = 'ConnectionWaitTimeoutError';
  }
}

export const TYPE_LOOKUP_SQL =
  'SELECT oid::int8::text, typname, typtype, typelem::int8::text, typbasetype::int8::text, typcategory ' +
  'FROM pg_catalog.pg_type WHERE oid = ANY($1::text::oid[])';

export const COLUMN_LOOKUP_SQL =
  'SELECT a.attrelid::int8::text, a.attnum::text, a.attnotnull::text, c.relname, ' +
  "(a.attidentity <> '' OR coalesce(pg_get_expr(d.adbin, d.adrelid), '') LIKE 'nextval(%')::text " +
  'FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid ' +
  'LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum ' +
  'WHERE a.attrelid = ANY($1::text::oid[])';

export function parseTypeRows(result: RawResult): CatalogType[] {
  return result.rows.map((row) => ({
    oid: Number(row[0]),
    name: row[1] ?? '',
    typtype: row[2] ?? '',
    elementOid: Number(row[3]),
    baseOid: Number(row[4]),
    category: row[5] ?? '',
  }));
}

export function parseColumnRows(result: RawResult, wanted: readonly ColumnRef[]): ColumnCatalogEntry[] {
  return result.rows
    .map((row) => ({
      tableID: Number(row[0]),
      columnID: Number(row[1]),
      notNull: row[2] === 'true',
      tableName: row[3] ?? '',
      autoIncrement: row[4] === 'true',
    }))
    .filter((entry) =>
      wanted.some((ref) => ref.tableID === entry.tableID && ref.columnID === entry.columnID),
    );
}

export const oidArrayLiteral = (oids: readonly number[]): string => `{${oids.join(',')}}`;

type CatalogQuery = (sql: string, parameters: ReadonlyArray<string | null>) => Promise<RawResult>;

/** The catalog rows of these type OIDs, read through a session's `query` (same SQL on both backends). */
export async function lookupCatalogTypes(
  query: CatalogQuery,
  oids: readonly number[],
): Promise<CatalogType[]> {
  return parseTypeRows(await query(TYPE_LOOKUP_SQL, [oidArrayLiteral(oids)]));
}

/** The catalog entries of these result columns, read through a session's `query`. */
export async function lookupCatalogColumns(
  query: CatalogQuery,
  columns: readonly ColumnRef[],
): Promise<ColumnCatalogEntry[]> {
  const tables = [...new Set(columns.map((column) => column.tableID))];
  return parseColumnRows(await query(COLUMN_LOOKUP_SQL, [oidArrayLiteral(tables)]), columns);
}

/** `INSERT 0 2` -> { command: 'INSERT', rowCount: 2 }; `CREATE TABLE` -> { command: 'CREATE', rowCount: null }. */
export function parseCommandTag(tag: string): { command: string; rowCount: number | null } {
  const words = tag.trim().split(/\s+/);
  const last = words.at(-1) ?? '';
  return { command: words[0] ?? '', rowCount: /^\d+$/.test(last) && words.length > 1 ? Number(last) : null };
}
