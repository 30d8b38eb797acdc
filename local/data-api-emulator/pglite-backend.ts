/**
 * Embedded PostgreSQL (PGlite) adapter. It speaks the wire protocol to PGlite directly so every statement
 * goes through Parse/Bind/Execute with declared parameter types and text results, exactly as with a
 * server. PGlite blocks the thread it runs on for a whole statement and cannot be interrupted, so it runs
 * on a worker thread (see pglite-worker.mjs): this thread stays free to refuse a second call on a busy
 * transaction and to answer a statement timeout on time. A timed-out statement is then left to finish
 * and its work undone by raising 57014 before the Sync, which is what a cancelled statement leaves
 * behind on a real server; the session is busy until then, as a connection is until a cancel lands.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { protocol } from '@electric-sql/pglite';
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
  /**
   * A data directory tarball (from {@link PgliteSqlBackend.dumpDataDir} or `PGlite.dumpDataDir`) to
   * start from instead of an empty cluster, e.g. one already initialised or migrated.
   */
  readonly loadDataDir?: Blob;
}

/** The PGlite backend, plus what only it can do. */
export interface PgliteSqlBackend extends SqlBackend {
  /** A tarball of the whole data directory, for {@link PgliteBackendOptions.loadDataDir}. */
  dumpDataDir(): Promise<Blob>;
}

const { serialize } = protocol;
const WORKER_URL = new URL('./pglite-worker.mjs', import.meta.url);
/** How long `close` waits for a statement still running before it stops the thread anyway. */
const CLOSE_GRACE_MS = 5_000;

const RAISE_TIMEOUT_SQL =
  "DO $$BEGIN RAISE EXCEPTION 'canceling statement due to statement timeout' USING ERRCODE = '57014'; END$$";

type Message = { readonly name: string } & Record<string, unknown>;
const TIMED_OUT = Symbol('timed out');

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

type WorkerOperation = 'exec' | 'inTransaction' | 'dump' | 'close';
type WorkerReply =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly error: { readonly message: string } };
type WorkerStatus = { readonly ready: true } | { readonly ready: false; readonly error: { message: string } };

/** The worker thread that owns the PGlite database, as a request/answer channel. */
class PgliteThread {
  readonly #worker: Worker;
  readonly #pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  readonly #parser = new protocol.Parser();
  #nextId = 1;
  #exited: Error | undefined;

  /** Settles once PGlite has started (or failed to) on the thread. */
  readonly #ready: Promise<void>;

  private constructor(worker: Worker) {
    this.#worker = worker;
    let started: { resolve: () => void; reject: (error: Error) => void } | undefined;
    this.#ready = new Promise((resolve, reject) => {
      started = { resolve, reject };
    });
    worker.on('message', (reply: WorkerReply | WorkerStatus) => {
      if ('ready' in reply) {
        if (reply.ready) started?.resolve();
        else started?.reject(new Error(`PGlite failed to start: ${reply.error.message}`));
        return;
      }
      const waiter = this.#pending.get(reply.id);
      if (waiter === undefined) return;
      this.#pending.delete(reply.id);
      if (reply.ok) waiter.resolve(reply.value);
      else waiter.reject(new Error(`PGlite: ${reply.error.message}`));
    });
    const fail = (error: Error) => {
      this.#exited = error;
      started?.reject(error);
      for (const waiter of this.#pending.values()) waiter.reject(error);
      this.#pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`The PGlite thread exited (code ${code})`)));
  }

  static async start(options: PgliteBackendOptions): Promise<PgliteThread> {
    // No execArgv: the worker is plain JavaScript and needs none of the main thread's loaders.
    const thread = new PgliteThread(new Worker(WORKER_URL, { workerData: { ...options }, execArgv: [] }));
    try {
      await thread.#ready;
    } catch (error) {
      await thread.#worker.terminate();
      throw error;
    }
    return thread;
  }

  request(op: WorkerOperation, message?: Uint8Array): Promise<unknown> {
    if (this.#exited !== undefined) return Promise.reject(this.#exited);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, op, message });
    });
  }

  /** Sends wire-protocol bytes and parses the reply into backend messages. */
  async exec(parts: readonly Uint8Array[]): Promise<Message[]> {
    const reply = (await this.request('exec', concat(parts))) as Uint8Array;
    const messages: Message[] = [];
    this.#parser.parse(reply, (message) => messages.push(message as unknown as Message));
    return messages;
  }

  async close(): Promise<void> {
    if (this.#exited !== undefined) return;
    const grace = sleep(CLOSE_GRACE_MS, undefined, { ref: false });
    await Promise.race([this.request('close').catch(() => undefined), grace]);
    await this.#worker.terminate();
  }
}

class PgliteSession implements SqlSession {
  readonly #db: PgliteThread;
  readonly #onRelease: () => void;
  readonly connectionId: number;
  #released = false;

  constructor(db: PgliteThread, connectionId: number, onRelease: () => void) {
    this.#db = db;
    this.connectionId = connectionId;
    this.#onRelease = onRelease;
  }

  #send(parts: readonly Uint8Array[]): Promise<Message[]> {
    return this.#db.exec(parts);
  }

  async execute(
    sql: string,
    parameters: readonly BoundValue[],
    options: StatementOptions,
  ): Promise<StatementOutcome> {
    const types = parameters.map((parameter) => BOUND_TYPE_OIDS[parameter.type]);
    const values = parameters.map((parameter) => parameter.text);
    // No Sync yet: the statement's implicit transaction stays open until we know it was in time.
    const running = this.#send(statementMessages(sql, types, values));
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(() => resolve(TIMED_OUT), options.timeoutMs);
    });
    const messages = await Promise.race([running, deadline]).finally(() => clearTimeout(timer));
    if (messages === TIMED_OUT) {
      running.catch(() => undefined);
      const finished = this.#finishTimedOut(options.continueAfterTimeout);
      // Cancelled: whatever comes next queues behind the undo on the thread, so the session is free
      // for the emulator now, as a server's is once a cancel lands. Run on: busy until it ends.
      return { kind: 'timeout', settled: options.continueAfterTimeout ? finished : Promise.resolve() };
    }
    const failure = errorOf(messages);
    if (failure) {
      await this.#send([serialize.sync()]);
      return { kind: 'error', error: failure };
    }
    const syncMessages = await this.#send([serialize.sync()]);
    const commitFailure = errorOf(syncMessages);
    if (commitFailure) return { kind: 'error', error: commitFailure };
    return { kind: 'result', result: toRawResult(messages) };
  }

  /**
   * Ends a timed-out statement: keeps its work (continueAfterTimeout) or undoes it as a cancel would
   * (an error before the Sync rolls its implicit transaction back, or leaves an explicit one aborted;
   * after a failed statement the server skips to the Sync anyway). Sent at once, so it is queued right
   * behind the statement and nothing can run in between. Resolves, never rejects, once done.
   */
  #finishTimedOut(continueAfterTimeout: boolean): Promise<void> {
    const undo = continueAfterTimeout ? [] : statementMessages(RAISE_TIMEOUT_SQL, [], []);
    return this.#send([...undo, serialize.sync()]).then(
      () => undefined,
      () => undefined,
    );
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
    if (await this.#db.request('inTransaction')) await this.query('ROLLBACK');
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

class PgliteBackend implements PgliteSqlBackend {
  readonly kind = 'pglite';
  readonly database: string;
  readonly #db: PgliteThread;
  readonly #connectionId: number;
  readonly #lock = new SessionLock();

  constructor(db: PgliteThread, database: string, connectionId: number) {
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

  async dumpDataDir(): Promise<Blob> {
    return (await this.#db.request('dump')) as Blob;
  }

  close(): Promise<void> {
    return this.#db.close();
  }
}

/**
 * Starts PGlite on its own thread and returns the backend.
 *
 * @param options - where the data lives (in memory by default) and what it starts from
 */
export async function createPgliteBackend(options: PgliteBackendOptions = {}): Promise<PgliteSqlBackend> {
  const db = await PgliteThread.start(options);
  try {
    const probe = new PgliteSession(db, 0, () => undefined);
    await probe.reset();
    const identity = await probe.query('SELECT pg_backend_pid()::text, current_database()::text');
    const [pid, database] = identity.rows[0] ?? [];
    return new PgliteBackend(db, database ?? 'postgres', Number(pid));
  } catch (error) {
    await db.close();
    throw error;
  }
}
