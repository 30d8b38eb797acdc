/**
 * Embedded PostgreSQL (PGlite) adapter. It speaks the wire protocol to PGlite directly so every statement
 * goes through Parse/Bind/Execute with declared parameter types and text results, exactly as with a
 * server. PGlite runs in this thread and cannot be interrupted, so a statement timeout is detected once
 * the statement returns: the statement's work is then undone by raising 57014 before the Sync, which is
 * what a cancelled statement leaves behind on a real server.
 */
import { PGlite, protocol } from '@electric-sql/pglite';
import {
  type ColumnCatalogEntry,
  type ColumnRef,
  lookupCatalogColumns,
  lookupCatalogTypes,
  parseCommandTag,
  type SqlBackend,
  type SqlSession,
  type StatementOptions,
  type StatementOutcome,
} from './backend';
import type { PgErrorFields } from './errors';
import { BOUND_TYPE_OIDS, type BoundValue } from './parameter-binding';
import type { CatalogType } from './pg-types';
import type { RawField, RawResult } from './result-mapping';
import { SessionLock } from './session-lock';

export interface PgliteBackendOptions {
  /** Folder to persist the database in; in-memory when omitted. */
  readonly dataDir?: string;
  /** A data directory dumped by `PGlite.dumpDataDir`, to start from instead of an empty cluster. */
  readonly loadDataDir?: Blob;
}

const { serialize } = protocol;

const RAISE_TIMEOUT_SQL =
  "DO $$BEGIN RAISE EXCEPTION 'canceling statement due to statement timeout' USING ERRCODE = '57014'; END$$";

type Message = { readonly name: string } & Record<string, unknown>;

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function statementMessages(
  sql: string,
  types: readonly number[],
  values: ReadonlyArray<string | null>,
): Uint8Array[] {
  return [
    serialize.parse({ text: sql, types: [...types] }),
    serialize.bind({ values: [...values] }),
    serialize.describe({ type: 'P' }),
    serialize.execute({}),
  ];
}

function errorOf(messages: readonly Message[]): PgErrorFields | undefined {
  const found = messages.find((message) => message.name === 'error');
  return found as unknown as PgErrorFields | undefined;
}

function toRawResult(messages: readonly Message[]): RawResult {
  let fields: RawField[] | null = null;
  const rows: Array<Array<string | null>> = [];
  let command: string | null = null;
  let rowCount: number | null = null;
  for (const message of messages) {
    if (message.name === 'rowDescription') fields = [...(message.fields as RawField[])];
    else if (message.name === 'dataRow') rows.push([...(message.fields as Array<string | null>)]);
    else if (message.name === 'commandComplete')
      ({ command, rowCount } = parseCommandTag(message.text as string));
  }
  return { command, rowCount, fields, rows };
}

class PgliteSession implements SqlSession {
  readonly #db: PGlite;
  readonly #onRelease: () => void;
  readonly connectionId: number;
  #released = false;

  constructor(db: PGlite, connectionId: number, onRelease: () => void) {
    this.#db = db;
    this.connectionId = connectionId;
    this.#onRelease = onRelease;
  }

  async #send(parts: readonly Uint8Array[]): Promise<Message[]> {
    const { messages } = await this.#db.execProtocol(concat(parts), { throwOnError: false });
    return messages as unknown as Message[];
  }

  async execute(
    sql: string,
    parameters: readonly BoundValue[],
    options: StatementOptions,
  ): Promise<StatementOutcome> {
    const types = parameters.map((parameter) => BOUND_TYPE_OIDS[parameter.type]);
    const values = parameters.map((parameter) => parameter.text);
    const started = performance.now();
    // No Sync yet: the statement's implicit transaction stays open until we know it was in time.
    const messages = await this.#send(statementMessages(sql, types, values));
    const failure = errorOf(messages);
    if (failure) {
      await this.#send([serialize.sync()]);
      return { kind: 'error', error: failure };
    }
    if (performance.now() - started > options.timeoutMs) {
      const undo = options.continueAfterTimeout ? [] : statementMessages(RAISE_TIMEOUT_SQL, [], []);
      await this.#send([...undo, serialize.sync()]);
      return { kind: 'timeout', settled: Promise.resolve() };
    }
    const syncMessages = await this.#send([serialize.sync()]);
    const commitFailure = errorOf(syncMessages);
    if (commitFailure) return { kind: 'error', error: commitFailure };
    return { kind: 'result', result: toRawResult(messages) };
  }

  async query(sql: string, parameters: ReadonlyArray<string | null> = []): Promise<RawResult> {
    const messages = await this.#send([
      ...statementMessages(
        sql,
        parameters.map(() => 0),
        parameters,
      ),
      serialize.sync(),
    ]);
    const failure = errorOf(messages);
    if (failure) throw failure;
    return toRawResult(messages);
  }

  lookupTypes(oids: readonly number[]): Promise<CatalogType[]> {
    return lookupCatalogTypes((sql, parameters) => this.query(sql, parameters), oids);
  }

  lookupColumns(columns: readonly ColumnRef[]): Promise<ColumnCatalogEntry[]> {
    return lookupCatalogColumns((sql, parameters) => this.query(sql, parameters), columns);
  }

  async reset(): Promise<void> {
    if (this.#db.isInTransaction()) await this.query('ROLLBACK');
    await this.query('DISCARD ALL');
    await this.query("SET TimeZone TO 'UTC'");
    await this.query("SET DateStyle TO 'ISO, MDY'");
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#onRelease();
  }
}

class PgliteBackend implements SqlBackend {
  readonly kind = 'pglite';
  readonly database: string;
  readonly #db: PGlite;
  readonly #connectionId: number;
  readonly #lock = new SessionLock();

  constructor(db: PGlite, database: string, connectionId: number) {
    this.#db = db;
    this.database = database;
    this.#connectionId = connectionId;
  }

  placeholder(index: number): string {
    return `$${index + 1}`;
  }

  async acquire(waitMs: number): Promise<SqlSession> {
    await this.#lock.acquire(waitMs);
    return new PgliteSession(this.#db, this.#connectionId, () => this.#lock.release());
  }

  async close(): Promise<void> {
    if (!this.#db.closed) await this.#db.close();
  }
}

export async function createPgliteBackend(options: PgliteBackendOptions = {}): Promise<SqlBackend> {
  const db = await PGlite.create({
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    ...(options.loadDataDir === undefined ? {} : { loadDataDir: options.loadDataDir }),
  });
  const probe = new PgliteSession(db, 0, () => undefined);
  await probe.reset();
  const identity = await probe.query('SELECT pg_backend_pid()::text, current_database()::text');
  const [pid, database] = identity.rows[0] ?? [];
  return new PgliteBackend(db, database ?? 'postgres', Number(pid));
}
