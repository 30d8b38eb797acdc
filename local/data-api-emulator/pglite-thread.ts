/**
 * The worker thread that owns the PGlite database (see pglite-worker.mjs), as a request/answer channel
 * that carries wire-protocol bytes.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { protocol } from '@electric-sql/pglite';

export interface PgliteBackendOptions {
  /** Folder to persist the database in; in-memory when omitted. */
  readonly dataDir?: string;
  /**
   * A data directory tarball (from {@link PgliteSqlBackend.dumpDataDir} or `PGlite.dumpDataDir`) to
   * start from instead of an empty cluster, e.g. one already initialised or migrated.
   */
  readonly loadDataDir?: Blob;
}

/** A parsed backend message of the wire protocol. */
export type Message = { readonly name: string } & Record<string, unknown>;

const WORKER_URL = new URL('./pglite-worker.mjs', import.meta.url);
/** How long `close` waits for a statement still running before it stops the thread anyway. */
const CLOSE_GRACE_MS = 5_000;

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

type WorkerOperation = 'exec' | 'inTransaction' | 'dump' | 'close';
type WorkerReply =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly error: { readonly message: string } };
type WorkerStatus = { readonly ready: true } | { readonly ready: false; readonly error: { message: string } };

/** The worker thread that owns the PGlite database, as a request/answer channel. */
export class PgliteThread {
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
