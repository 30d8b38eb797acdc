import { createHash } from 'node:crypto';

/**
 * A deterministic stream of numbers: draw i is the hash of (seed, stream name, i). Slower than a
 * classic PRNG but trivially correct, and the simulator draws only thousands of numbers.
 */
export class SeededRandom {
  private counter = 0;

  constructor(
    private readonly seed: number,
    private readonly stream: string,
  ) {}

  /** Uniform in [0, 1). */
  next(): number {
    const hash = createHash('sha256')
      .update(`${this.seed}\u0000${this.stream}\u0000${this.counter}`)
      .digest();
    this.counter += 1;
    return hash.readUInt32BE(0) / 0x1_0000_0000;
  }

  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick() from an empty list');
    return item;
  }
}
