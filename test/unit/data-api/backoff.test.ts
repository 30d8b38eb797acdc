import { backoffDelayMs } from '@bluestakes/token-manager/internal';
import { describe, expect, it } from 'vitest';

const delays = (jitter: 'none' | 'equal' | 'full', random: () => number, capMs?: number) =>
  [1, 2, 3, 4, 5, 6].map((attempt) =>
    backoffDelayMs({ attempt, baseMs: 500, jitter, random, ...(capMs === undefined ? {} : { capMs }) }),
  );

describe('backoffDelayMs', () => {
  it('doubles the ceiling per attempt and stops at the cap', () => {
    expect(delays('none', () => 0.99, 8_000)).toEqual([500, 1_000, 2_000, 4_000, 8_000, 8_000]);
  });

  it('keeps doubling when no cap is given', () => {
    expect(delays('none', () => 0)).toEqual([500, 1_000, 2_000, 4_000, 8_000, 16_000]);
  });

  it('spreads equal jitter over the upper half of the ceiling', () => {
    expect(delays('equal', () => 0, 8_000)).toEqual([250, 500, 1_000, 2_000, 4_000, 4_000]);
    expect(delays('equal', () => 0.5, 8_000)).toEqual([375, 750, 1_500, 3_000, 6_000, 6_000]);
    expect(delays('equal', () => 0.999_999, 8_000)).toEqual([500, 1_000, 2_000, 4_000, 8_000, 8_000]);
  });

  it('spreads full jitter from zero to the ceiling', () => {
    expect(delays('full', () => 0, 8_000)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(delays('full', () => 0.5, 8_000)).toEqual([250, 500, 1_000, 2_000, 4_000, 4_000]);
  });

  it('draws one random number per delay and none without jitter', () => {
    let draws = 0;
    const random = () => {
      draws += 1;
      return 0.25;
    };
    backoffDelayMs({ attempt: 3, baseMs: 100, jitter: 'equal', random });
    backoffDelayMs({ attempt: 3, baseMs: 100, jitter: 'full', random });
    expect(draws).toBe(2);
    backoffDelayMs({ attempt: 3, baseMs: 100, jitter: 'none', random });
    expect(draws).toBe(2);
  });

  it('treats an attempt below 1 as the first', () => {
    expect(backoffDelayMs({ attempt: 0, baseMs: 300, jitter: 'none' })).toBe(300);
  });

  it('stays within the distribution of its jitter for any random draw', () => {
    for (let draw = 0; draw < 1; draw += 0.01) {
      const fourth = { attempt: 4, baseMs: 500, capMs: 8_000, random: () => draw };
      const equal = backoffDelayMs({ ...fourth, jitter: 'equal' });
      const full = backoffDelayMs({ ...fourth, jitter: 'full' });
      expect(equal).toBeGreaterThanOrEqual(2_000);
      expect(equal).toBeLessThanOrEqual(4_000);
      expect(full).toBeGreaterThanOrEqual(0);
      expect(full).toBeLessThanOrEqual(4_000);
    }
  });
});
