import type { SeededRandom } from './random';
import type { SimulatorFault, SimulatorFaultKind } from './types';

interface ActiveFault {
  readonly fault: SimulatorFault;
  remaining: number;
}

/** Injected faults, consulted in the order they were added; the first one that fires wins. */
export class FaultInjector {
  private active: ActiveFault[] = [];

  constructor(private readonly random: SeededRandom) {}

  add(fault: SimulatorFault): void {
    const unlimited = fault.fraction !== undefined && fault.count === undefined;
    this.active.push({ fault, remaining: unlimited ? Number.POSITIVE_INFINITY : (fault.count ?? 1) });
  }

  clear(): void {
    this.active = [];
  }

  draw(target: 'login' | 'tickets'): SimulatorFaultKind | undefined {
    for (const entry of this.active) {
      const scope = entry.fault.target ?? 'any';
      if (scope !== 'any' && scope !== target) continue;
      const fraction = entry.fault.fraction ?? 1;
      if (fraction < 1 && !this.random.chance(fraction)) continue;
      entry.remaining -= 1;
      if (entry.remaining <= 0) this.active = this.active.filter((candidate) => candidate !== entry);
      return entry.fault;
    }
    return undefined;
  }
}
