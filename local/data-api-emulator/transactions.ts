/**
 * Open transactions by id, each pinned to its own session. A call claims the transaction for its whole
 * duration; a second call arriving meanwhile is refused at once, as v2 does ("Transaction is still
 * running a query"). Transactions expire after an idle period and a maximum lifetime; ended ids are
 * remembered so later calls get TransactionNotFoundException with the reason.
 */
import { randomBytes } from 'node:crypto';
import type { SqlSession } from './backend';
import { DataApiError, transactionBusyError } from './errors';

export interface TransactionRecord {
  readonly id: string;
  readonly session: SqlSession;
  readonly resourceArn: string;
  /** A statement failed (or timed out) and PostgreSQL now refuses everything but ROLLBACK. */
  aborted: boolean;
}

export interface TransactionTimeouts {
  readonly idleMs: number;
  readonly maxLifetimeMs: number;
}

export const EXPIRED_CAUSE = 'Transaction may be expired.';
export const TERMINATED_CAUSE = 'One previous call resulted in a termination of your transaction.';

interface Entry {
  readonly record: TransactionRecord;
  busy: boolean;
  expireWhenIdle: boolean;
  idleTimer: NodeJS.Timeout | undefined;
  readonly lifetimeTimer: NodeJS.Timeout;
}

/** Ended ids kept for their not-found message; old ones are forgotten first. */
const REMEMBERED_ENDED_IDS = 10_000;

export const transactionNotFound = (id: string, cause?: string): DataApiError =>
  new DataApiError(
    'TransactionNotFoundException',
    `Transaction ${id} is not found${cause ? `. ${cause}` : ''}`,
  );

export class TransactionRegistry {
  readonly #active = new Map<string, Entry>();
  readonly #ended = new Map<string, string | undefined>();
  readonly #timeouts: () => TransactionTimeouts;
  readonly #onExpire: (record: TransactionRecord) => void;

  constructor(timeouts: () => TransactionTimeouts, onExpire: (record: TransactionRecord) => void) {
    this.#timeouts = timeouts;
    this.#onExpire = onExpire;
  }

  get size(): number {
    return this.#active.size;
  }

  records(): TransactionRecord[] {
    return [...this.#active.values()].map((entry) => entry.record);
  }

  open(session: SqlSession, resourceArn: string): TransactionRecord {
    const id = randomBytes(48).toString('base64');
    const record: TransactionRecord = { id, session, resourceArn, aborted: false };
    const lifetimeTimer = setTimeout(() => this.#expire(id), this.#timeouts().maxLifetimeMs);
    lifetimeTimer.unref();
    const entry: Entry = { record, busy: false, expireWhenIdle: false, idleTimer: undefined, lifetimeTimer };
    this.#active.set(id, entry);
    this.#startIdleTimer(entry);
    return record;
  }

  /** Marks the transaction busy for one call; throws if it is unknown, ended, foreign or busy. */
  claim(id: string, resourceArn: string): TransactionRecord {
    const entry = this.#active.get(id);
    if (!entry || entry.record.resourceArn !== resourceArn)
      throw transactionNotFound(id, this.#ended.get(id));
    if (entry.busy) throw transactionBusyError();
    entry.busy = true;
    clearTimeout(entry.idleTimer);
    return entry.record;
  }

  /** Ends a call's claim; a transaction that hit its lifetime meanwhile expires now. */
  unclaim(record: TransactionRecord): void {
    const entry = this.#active.get(record.id);
    if (!entry || entry.record !== record) return;
    entry.busy = false;
    if (entry.expireWhenIdle) this.#expire(record.id);
    else this.#startIdleTimer(entry);
  }

  /** Forgets an active transaction; later calls with its id get TransactionNotFoundException. */
  end(record: TransactionRecord, cause?: string): void {
    const entry = this.#active.get(record.id);
    if (!entry) return;
    clearTimeout(entry.idleTimer);
    clearTimeout(entry.lifetimeTimer);
    this.#active.delete(record.id);
    this.#ended.set(record.id, cause);
    if (this.#ended.size > REMEMBERED_ENDED_IDS) {
      const oldest = this.#ended.keys().next().value;
      if (oldest !== undefined) this.#ended.delete(oldest);
    }
  }

  /** Re-arms idle timers, e.g. after the idle timeout was reconfigured. */
  restartIdleTimers(): void {
    for (const entry of this.#active.values()) if (!entry.busy) this.#startIdleTimer(entry);
  }

  #startIdleTimer(entry: Entry): void {
    clearTimeout(entry.idleTimer);
    entry.idleTimer = setTimeout(() => this.#expire(entry.record.id), this.#timeouts().idleMs);
    entry.idleTimer.unref();
  }

  #expire(id: string): void {
    const entry = this.#active.get(id);
    if (!entry) return;
    if (entry.busy) {
      entry.expireWhenIdle = true;
      return;
    }
    this.end(entry.record, EXPIRED_CAUSE);
    this.#onExpire(entry.record);
  }
}
