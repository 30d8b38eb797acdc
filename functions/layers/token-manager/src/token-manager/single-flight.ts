/** One refresh in flight per company in this container; callers that arrive meanwhile join it. */
export class SingleFlight<T> {
  readonly #running = new Map<string, Promise<T>>();

  get(key: string): Promise<T> | undefined {
    return this.#running.get(key);
  }

  /** Starts `work` as the flight for `key`; it leaves the map when done, unless replaced meanwhile. */
  start(key: string, work: () => Promise<T>): Promise<T> {
    const started: Promise<T> = work().finally(() => {
      // A credentials change may have replaced this flight with a newer one: leave that one alone.
      if (this.#running.get(key) === started) this.#running.delete(key);
    });
    this.#running.set(key, started);
    return started;
  }

  /** New callers start afresh instead of joining the current flight (which still runs to its end). */
  forget(key: string): void {
    this.#running.delete(key);
  }
}
