/** The service limits the emulator enforces, adjustable per emulator and at run time. */
export interface EmulatorLimits {
  /** @default 1 MiB */
  readonly responseSizeLimitBytes: number;
  /** @default 3 minutes */
  readonly transactionIdleTimeoutMs: number;
  /** @default 24 hours */
  readonly transactionMaxLifetimeMs: number;
  /** @default 45 seconds */
  readonly statementTimeoutMs: number;
  /** Added before every call to mimic the service's round trip. @default 0 */
  readonly latencyMs: number;
}

export const DEFAULT_LIMITS: EmulatorLimits = {
  responseSizeLimitBytes: 1024 * 1024,
  transactionIdleTimeoutMs: 3 * 60_000,
  transactionMaxLifetimeMs: 24 * 60 * 60_000,
  statementTimeoutMs: 45_000,
  latencyMs: 0,
};

const LIMIT_KEYS = Object.keys(DEFAULT_LIMITS) as Array<keyof EmulatorLimits>;

/** `current` with `changes` applied; an unknown key or a negative value is refused. */
export function checkedLimits(current: EmulatorLimits, changes: Partial<EmulatorLimits>): EmulatorLimits {
  const next: Record<string, number> = { ...current };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    if (!(LIMIT_KEYS as string[]).includes(key)) throw new Error(`Unknown emulator limit: ${key}`);
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new Error(`Emulator limit ${key} must be a non-negative number`);
    }
    next[key] = value;
  }
  return next as unknown as EmulatorLimits;
}
