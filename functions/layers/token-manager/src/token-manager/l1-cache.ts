/** What one container remembers about a company's token, on its own (monotonic) clock. */
export interface L1Entry {
  readonly token: string;
  readonly version: string;
  readonly accountKey: string | null;
  /** Local time after which the token is due for refresh (or the entry must be re-checked). */
  readonly refreshAt: number;
  /** Local time at which the token hard-expires. */
  readonly expiresAt: number;
  /** Local time when the database last confirmed this entry. */
  readonly checkedAt: number;
  /** How long before `checkedAt` the token was granted. */
  readonly issuedAgoMs: number;
}

/** The in-process cache: bounded by company count, re-checked against the database within `maxStalenessMs`. */
export class L1Cache {
  readonly #entries = new Map<string, L1Entry>();

  constructor(
    private readonly maxStalenessMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  /** A fresh entry: not due, not stale. */
  fresh(companyId: string, now: number): L1Entry | undefined {
    const entry = this.#entries.get(companyId);
    if (entry === undefined) return undefined;
    return now < entry.refreshAt && now - entry.checkedAt < this.maxStalenessMs ? entry : undefined;
  }

  /** An entry that is still usable (not hard-expired), even if due or stale. */
  usable(companyId: string, now: number): L1Entry | undefined {
    const entry = this.#entries.get(companyId);
    return entry !== undefined && now < entry.expiresAt ? entry : undefined;
  }

  set(companyId: string, entry: L1Entry): void {
    if (this.#entries.size >= this.maxEntries && !this.#entries.has(companyId)) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.delete(companyId);
    this.#entries.set(companyId, entry);
  }

  /** Drops the entry; with `version`, only if it still holds that version. */
  delete(companyId: string, version?: string): void {
    if (version === undefined || this.#entries.get(companyId)?.version === version) {
      this.#entries.delete(companyId);
    }
  }

  clear(): void {
    this.#entries.clear();
  }
}

/** An L1 entry on this container's clock (`at`), from durations measured on the database clock. */
export function l1Entry(
  at: number,
  token: string,
  version: string,
  accountKey: string | null,
  durations: { refreshInMs: number; expiresInMs: number; issuedAgoMs: number },
): L1Entry {
  return {
    token,
    version,
    accountKey,
    refreshAt: at + durations.refreshInMs,
    expiresAt: at + durations.expiresInMs,
    checkedAt: at,
    issuedAgoMs: durations.issuedAgoMs,
  };
}
