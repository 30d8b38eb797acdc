/** One injected fault and how many more calls it fails (Infinity: until cleared). */
export interface QueuedFault<F> {
  readonly fault: F;
  readonly remaining: number;
}

/**
 * Faults injected into a stand-in, each failing a number of calls, consulted in the order they were
 * added: a call consumes one from the first fault that applies to it.
 */
export class FaultQueue<F> {
  #entries: Array<{ fault: F; remaining: number }> = [];

  /** Queues `fault` for the next `count` calls it applies to; a count of 0 adds nothing. */
  add(fault: F, count: number): void {
    if (count > 0) this.#entries.push({ fault, remaining: count });
  }

  clear(): void {
    this.#entries = [];
  }

  pending(): QueuedFault<F>[] {
    return this.#entries.map((entry) => ({ ...entry }));
  }

  /**
   * The fault the current call fails with, if any: the first one `applies` accepts, one call of it
   * used up. `applies` is asked in order and no further once it accepts (it may draw a random number).
   */
  take(applies: (fault: F) => boolean = () => true): F | undefined {
    const entry = this.#entries.find((candidate) => applies(candidate.fault));
    if (entry === undefined) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.#entries = this.#entries.filter((candidate) => candidate !== entry);
    return entry.fault;
  }
}
