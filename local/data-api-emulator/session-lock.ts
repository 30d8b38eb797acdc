/**
 * A first-come-first-served lock with a bounded wait. PGlite has one connection, so an open transaction
 * holds it until commit, rollback or expiry and everyone else queues here.
 */
import { ConnectionWaitTimeoutError } from './backend';

interface Waiter {
  readonly grant: () => void;
  readonly timer: NodeJS.Timeout;
}

export class SessionLock {
  #held = false;
  readonly #queue: Waiter[] = [];

  acquire(waitMs: number): Promise<void> {
    if (!this.#held) {
      this.#held = true;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => {
          clearTimeout(waiter.timer);
          resolve();
        },
        timer: setTimeout(() => {
          this.#queue.splice(this.#queue.indexOf(waiter), 1);
          reject(new ConnectionWaitTimeoutError(waitMs));
        }, waitMs),
      };
      this.#queue.push(waiter);
    });
  }

  release(): void {
    const next = this.#queue.shift();
    if (next) next.grant();
    else this.#held = false;
  }
}
