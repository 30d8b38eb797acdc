/**
 * A millisecond clock a test can hold still: while held, everything reading it sees one instant, so
 * "these calls arrive within one rate-limit window" holds however slowly a loaded machine runs them.
 * Released, it follows `performance.now()` again (it never goes backwards).
 */
export interface HeldClock {
  readonly now: () => number;
  /** `Date.now()` of every read while held: when each call reached the part reading the clock. */
  readonly readsWhileHeld: number[];
  hold(): void;
  release(): void;
}

export function createHeldClock(): HeldClock {
  let heldAt: number | undefined;
  const readsWhileHeld: number[] = [];
  return {
    readsWhileHeld,
    now: () => {
      if (heldAt === undefined) return performance.now();
      readsWhileHeld.push(Date.now());
      return heldAt;
    },
    hold() {
      heldAt = performance.now();
      readsWhileHeld.length = 0;
    },
    release() {
      heldAt = undefined;
    },
  };
}
