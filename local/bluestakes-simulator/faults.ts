import { FaultQueue } from '../http/fault-queue';
import type { SeededRandom } from './random';
import type { SimulatorFault, SimulatorFaultKind } from './types';

/** Injected faults, consulted in the order they were added; the first one that fires wins. */
export class FaultInjector {
  readonly #queue = new FaultQueue<SimulatorFault>();

  constructor(private readonly random: SeededRandom) {}

  add(fault: SimulatorFault): void {
    // A fraction without a count fires at that rate until cleared.
    const unlimited = fault.fraction !== undefined && fault.count === undefined;
    this.#queue.add(fault, unlimited ? Number.POSITIVE_INFINITY : (fault.count ?? 1));
  }

  clear(): void {
    this.#queue.clear();
  }

  draw(target: 'login' | 'tickets'): SimulatorFaultKind | undefined {
    return this.#queue.take((fault) => {
      const scope = fault.target ?? 'any';
      if (scope !== 'any' && scope !== target) return false;
      const fraction = fault.fraction ?? 1;
      return fraction >= 1 || this.random.chance(fraction);
    });
  }
}
