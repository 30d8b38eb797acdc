/**
 * What one container knows about an upstream budget without the database: its own recent calls per
 * key (a sliding log) and any pause an upstream 429 imposed. Used as the fallback while the database
 * cannot be reached, and to honour Retry-After in this container even when the shared block could not
 * be written.
 */
export class LocalRateLimit {
  readonly #hits = new Map<string, number[]>();
  readonly #blockedUntil = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    private readonly maxKeys = 1_000,
  ) {}

  /** Records a call this container made (whoever allowed it), so a fallback starts from the truth. */
  record(key: string, at: number): void {
    const hits = this.#prune(key, at);
    hits.push(at);
  }

  /** Milliseconds until `key` may make another call under `limit`; 0 when it may now. */
  waitMs(key: string, limit: number, at: number): number {
    const blocked = (this.#blockedUntil.get(key) ?? 0) - at;
    const hits = this.#prune(key, at);
    const full = hits.length >= limit ? (hits[hits.length - limit] ?? at) + this.windowMs - at : 0;
    return Math.max(0, blocked, full);
  }

  block(key: string, until: number): void {
    this.#blockedUntil.set(key, Math.max(until, this.#blockedUntil.get(key) ?? 0));
  }

  #prune(key: string, at: number): number[] {
    let hits = this.#hits.get(key);
    if (hits === undefined) {
      if (this.#hits.size >= this.maxKeys) {
        const oldest = this.#hits.keys().next().value;
        if (oldest !== undefined) this.#hits.delete(oldest);
      }
      hits = [];
      this.#hits.set(key, hits);
    }
    const firstLive = hits.findIndex((hit) => hit > at - this.windowMs);
    if (firstLive === -1) hits.length = 0;
    else if (firstLive > 0) hits.splice(0, firstLive);
    return hits;
  }
}
